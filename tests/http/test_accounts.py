"""test_accounts.py: joining, signing in and out, sessions, passwords and
roles, as a member and as an attacker try them, over HTTP to the real
binary. Run by tests/run-all.sh on both engines:
    python3 tests/http/test_accounts.py BINARY [DATABASE_URL]"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, run_suite  # noqa: E402
from test_http import assert_eq, assert_in  # noqa: E402


class Person:
    """A browser of its own: its own cookies."""

    def __init__(self, s):
        self.s = s
        self.cookies = {}

    def req(self, method, path, fields=None, headers=None):
        saved = self.s.cookies
        self.s.cookies = self.cookies
        try:
            h = {"Origin": "http://127.0.0.1:%d" % self.s.port}
            h.update(headers or {})
            if fields is not None:
                if "_csrf" not in fields:
                    if "csrf" not in self.cookies:
                        self.s.get("/login")
                    fields = dict(fields, _csrf=self.cookies["csrf"])
                return self.s.post_form(path, fields, headers=h)
            return self.s.request(method, path, headers=h)
        finally:
            self.s.cookies = saved

    def get(self, path, headers=None):
        return self.req("GET", path, headers=headers)

    def post(self, path, fields, headers=None):
        return self.req("POST", path, fields, headers)

    def signup(self, email, name="测试会员", password="correct horse battery"):
        return self.post("/signup", {"name": name, "email": email, "password": password})

    def login(self, email, password="correct horse battery", next_=""):
        return self.post("/login", {"email": email, "password": password, "next": next_})


def test_join_then_account_page(s):
    p = Person(s)
    r = p.signup("Join.Me@Example.com", name="王强")
    assert_eq(r.status, 303)
    assert_eq(r.header("Location"), "/account?welcome=1")
    sid = [c for c in r.all_headers("Set-Cookie") if c.startswith("sid=")][0]
    assert_in("HttpOnly", sid)
    assert_in("SameSite=Lax", sid)
    assert "Secure" not in sid, "plain http base_url: no Secure flag"
    page = p.get("/account?welcome=1")
    assert_eq(page.status, 200)
    assert_in("<h1>王强</h1>", page.text)
    assert_in("join.me@example.com", page.text)
    assert_in("欢迎加入", page.text)
    assert_in("当前设备", page.text)
    home = p.get("/")
    assert_in('class="me" href="/account">王强</a>', home.text, "signed-in name in the header")


def test_signup_errors_keep_input_and_write_nothing(s):
    p = Person(s)
    r = p.post("/signup", {"name": "<script>x</script>", "email": "bad", "phone": "call me",
                           "password": "short"})
    assert_eq(r.status, 422)
    assert "<script>x</script>" not in r.text
    assert_in("&lt;script&gt;x&lt;/script&gt;", r.text, "name kept, escaped")
    assert_in('value="bad"', r.text)
    for msg in ["这看起来不像电子邮箱地址", "请填写有效的手机号", "密码至少需要 8 个字符"]:
        assert_in(msg, r.text)
    assert 'value="short"' not in r.text, "a password is never echoed"
    r = p.post("/signup", {"name": "名" * 65, "email": "long@example.com", "password": "x" * 300})
    assert_eq(r.status, 422)
    assert_in("最多 64 个字符", r.text)
    assert_in("密码太长了", r.text)
    # nothing was written: the address is still free
    assert_eq(p.signup("long@example.com").status, 303)


def test_duplicate_email_is_refused_case_blind(s):
    a = Person(s)
    assert_eq(a.signup("dup@example.com").status, 303)
    b = Person(s)
    r = b.signup("DUP@example.com")
    assert_eq(r.status, 422)
    assert_in("这个邮箱已经注册过了", r.text)


def test_login_wrong_password_then_right(s):
    a = Person(s)
    a.signup("login@example.com")
    b = Person(s)
    r = b.login("login@example.com", "wrong password")
    assert_eq(r.status, 401)
    assert_in("邮箱或密码不正确", r.text)
    assert_in('value="login@example.com"', r.text, "email kept")
    r = b.login("nobody@example.com", "whatever123")
    assert_eq(r.status, 401, "no such account: the same answer")
    assert_in("邮箱或密码不正确", r.text)
    r = b.login("LOGIN@example.com", next_="/account")
    assert_eq(r.status, 303)
    assert_eq(r.header("Location"), "/account")
    r = b.login("login@example.com", next_="//evil.example/")
    assert_eq(r.header("Location"), "/account", "no open redirect")


def test_pages_for_members_send_visitors_to_login(s):
    v = Person(s)
    r = v.get("/account")
    assert_eq(r.status, 303)
    assert_eq(r.header("Location"), "/login?next=%2Faccount")
    assert_eq(v.get("/api/v1/account").status, 401)
    r = v.post("/account/password", {"current": "x", "password": "y" * 10})
    assert_eq(r.status, 401)
    assert_eq(v.get("/account", headers={"Cookie": "sid=" + "A" * 43}).status, 303, "forged session")


def test_logout_and_logout_everywhere(s):
    laptop = Person(s)
    laptop.signup("twodev@example.com")
    phone = Person(s)
    assert_eq(phone.login("twodev@example.com").status, 303)
    stolen = dict(phone.cookies)
    assert_eq(laptop.get("/account").status, 200)
    r = laptop.post("/account/sessions/end-all", {})
    assert_eq(r.status, 303)
    assert_eq(phone.get("/account").status, 303, "the phone is signed out too")
    thief = Person(s)
    thief.cookies = stolen
    assert_eq(thief.get("/account").status, 303, "a stolen cookie is worthless after log out everywhere")
    assert_eq(laptop.get("/account").status, 303)
    assert_eq(laptop.login("twodev@example.com").status, 303)
    assert_eq(laptop.post("/logout", {}).status, 303)
    assert_eq(laptop.get("/account").status, 303)


def test_change_password_ends_other_sessions(s):
    a = Person(s)
    a.signup("pw@example.com")
    other = Person(s)
    other.login("pw@example.com")
    r = a.post("/account/password", {"current": "wrong one", "password": "new password 1"})
    assert_eq(r.status, 422)
    assert_in("当前密码不正确", r.text)
    r = a.post("/account/password", {"current": "correct horse battery", "password": "new password 1"})
    assert_eq(r.status, 303)
    assert_eq(a.get("/account").status, 200, "this device stays signed in")
    assert_eq(other.get("/account").status, 303, "the other device must sign in again")
    assert_eq(Person(s).login("pw@example.com").status, 401, "old password gone")
    assert_eq(Person(s).login("pw@example.com", "new password 1").status, 303)


def test_login_is_throttled_per_account(s):
    Person(s).signup("throttle@example.com")
    p = Person(s)
    codes = [p.login("throttle@example.com", "wrong %d" % i).status for i in range(12)]
    assert_eq(codes[:10], [401] * 10)
    assert_eq(codes[10], 429)
    r = p.login("throttle@example.com")
    assert_eq(r.status, 429, "even the right password waits")
    assert int(r.header("Retry-After")) > 0
    assert_eq(Person(s).login("login@example.com").status, 303, "other accounts unaffected")


def test_forms_need_csrf(s):
    p = Person(s)
    r = p.post("/signup", {"name": "x", "email": "csrf@example.com", "password": "long enough", "_csrf": "x" * 32})
    assert_eq(r.status, 403)
    r = p.post("/login", {"email": "login@example.com", "password": "correct horse battery"},
               headers={"Origin": "https://evil.example"})
    assert_eq(r.status, 403)


def test_user_command_line(s):
    first = s.run("user", "ensure-admin", "first@example.com").stdout.decode()
    assert_in("created first@example.com (Admin) as admin", first)
    assert_in("an admin exists (first@example.com)", s.run("user", "ensure-admin", "x@example.com").stdout.decode())
    out = s.run("user", "add", "chair@example.com", "主席", "admin").stdout.decode()
    pw = re.search(r"one-time password: (\S+)", out).group(1)
    assert_eq(len(pw), 16)
    p = Person(s)
    assert_eq(p.login("chair@example.com", pw).status, 303)
    assert_in("管理员", p.get("/account").text)
    listing = s.run("user", "list").stdout.decode()
    assert_in("chair@example.com", listing)
    assert_in("admin", listing)
    assert_in("is now editor", s.run("user", "set-role", "chair@example.com", "editor").stdout.decode())
    assert_in("编辑", p.get("/account").text)
    bad = s.run("user", "set-role", "chair@example.com", "king", check=False)
    assert_eq(bad.returncode, 1)
    assert_in("unknown role", bad.stderr.decode())
    out = s.run("user", "reset-password", "chair@example.com").stdout.decode()
    assert_eq(p.get("/account").status, 303, "sessions ended by the reset")
    new = re.search(r"one-time password for \S+: (\S+)", out).group(1)
    assert_eq(Person(s).login("chair@example.com", new).status, 303)
    dup = s.run("user", "add", "chair@example.com", "又一个", check=False)
    assert_eq(dup.returncode, 1)
    assert_in("already has an account", dup.stderr.decode())


if __name__ == "__main__":
    sys.exit(run_suite("accounts", [v for k, v in list(globals().items()) if k.startswith("test_")]))

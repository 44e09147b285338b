"""test_accounts.py: joining, signing in and out, sessions, passwords and
roles, as a member and as an attacker try them, over HTTP to the real
binary. Run by tests/run-all.sh on both engines:
    python3 tests/http/test_accounts.py BINARY [DATABASE_URL]"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import MailSink, Person, Server, assert_eq, assert_in, mail_text, member, query, run_suite, sql  # noqa: E402

SINK = None


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
    assert_in('class="me" href="/account"><bdi>王强</bdi></a>', home.text, "signed-in name in the header, isolated")
    assert_in('class="me" href="/account"><bdi lang="zh-CN">王强</bdi></a>', p.get("/?lang=en").text,
              "and marked as Chinese on an English page")


def test_signup_errors_keep_input_and_write_nothing(s):
    p = Person(s)
    r = p.post("/signup", {"consent": "1", "name": "<script>x</script>", "email": "bad", "phone": "call me",
                           "password": "short"})
    assert_eq(r.status, 422)
    assert "<script>x</script>" not in r.text
    assert_in("&lt;script&gt;x&lt;/script&gt;", r.text, "name kept, escaped")
    assert_in('value="bad"', r.text)
    for msg in ["这看起来不像电子邮箱地址", "请填写有效的手机号", "密码至少需要 8 个字符"]:
        assert_in(msg, r.text)
    assert 'value="short"' not in r.text, "a password is never echoed"
    r = p.post("/signup", {"consent": "1", "name": "名" * 65, "email": "long@example.com", "password": "x" * 300})
    assert_eq(r.status, 422)
    assert_in("最多 64 个字符", r.text)
    assert_in("密码太长了", r.text)
    # nothing was written: the address is still free
    assert_eq(p.signup("long@example.com").status, 303)


def test_declared_inputs_answer_the_api_in_its_language(s):
    """The dispatcher checks a route's declared inputs before its handler:
    the API gets 422 with each field's message in the request's language,
    and a field the route does not declare changes nothing."""
    import json
    for lang, phone_msg in (("en", "phone"), ("zh", "手机号")):
        r = Person(s).post("/api/v1/signup?lang=" + lang, {"name": "API 会员", "email": "api-%s@example.com" % lang,
                                                          "phone": "call me", "password": "correct horse battery"},
                           headers={"Accept": "application/json"})
        assert_eq(r.status, 422, lang)
        err = json.loads(r.body)["error"]
        assert_eq(err["code"], "invalid")
        assert_in(phone_msg, err["fields"]["phone"], "the phone's message in " + lang)
        assert_eq(sorted(err["fields"]), ["consent", "phone"], "only the wrong fields are named")
    p = Person(s)
    assert_eq(p.post("/signup", {"consent": "1", "name": "角色", "email": "role@example.com", "password": "correct horse battery",
                                 "role": "admin"}).status, 303)
    from harness import query
    assert_eq(query(s, "SELECT role FROM users WHERE email = 'role@example.com'"), [("member",)],
              "an undeclared field changes nothing")


def test_names_cannot_turn_text_around(s):
    """A right-to-left override in a name makes it show as another's."""
    p = Person(s)
    r = p.post("/signup", {"consent": "1", "name": "\u202e\u5218\u5f3a\u4e1c", "email": "bidi@example.com",
                           "password": "correct horse battery"})
    assert_eq(r.status, 422)
    assert_eq(query(s, "SELECT count(*) FROM users WHERE email = 'bidi@example.com'")[0][0], "0")
    r = p.post("/signup", {"consent": "1", "name": "admin\u2066x", "email": "bidi@example.com", "password": "correct horse battery"})
    assert_eq(r.status, 422, "an isolate too")


def test_signing_up_on_the_way_to_an_event_comes_back_to_it(s):
    """登录后报名 -> 还没有账号？ -> sign up -> back on the event page."""
    p = Person(s)
    page = p.get("/login?next=%2Fevents%2F1").text
    assert_in('href="/signup?next=%2Fevents%2F1"', page, "the sign-up link keeps where the member was going")
    form = p.get("/signup?next=%2Fevents%2F1").text
    assert_in('name="next" value="/events/1"', form)
    r = p.post("/signup", {"consent": "1", "name": "路过报名", "email": "on-the-way@example.com", "password": "correct horse battery",
                           "next": "/events/1"})
    assert_eq(r.status, 303)
    assert_eq(r.header("Location"), "/events/1")
    r = Person(s).post("/signup", {"consent": "1", "name": "外站", "email": "elsewhere@example.com", "password": "correct horse battery",
                                   "next": "//evil.example/"})
    assert_eq(r.header("Location"), "/account?welcome=1", "never to another site")


def test_sessions_are_named_and_do_not_pile_up(s):
    wechat = ("Mozilla/5.0 (Linux; Android 13; V2203A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
              "Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230202 MicroMessenger/8.0.33 WeChat/arm64")
    phone = Person(s)
    assert_eq(phone.post("/signup", {"consent": "1", "name": "微信用户", "email": "devices@example.com",
                                     "password": "correct horse battery"}, headers={"User-Agent": wechat}).status, 303)
    page = phone.get("/account").text
    assert_in("微信（Android）", page, "the device as a person names it")
    assert "MicroMessenger" not in page, "not the raw User-Agent"
    assert_in("WeChat on Android", phone.get("/account?lang=en").text)
    for _ in range(3):
        assert_eq(phone.post("/login", {"email": "devices@example.com", "password": "correct horse battery"},
                             headers={"User-Agent": wechat}).status, 303)
    uid = query(s, "SELECT id FROM users WHERE email = 'devices@example.com'")[0][0]
    assert_eq(query(s, "SELECT count(*) FROM sessions WHERE user_id = %s" % uid)[0][0], "1",
              "signing in again from one browser replaces its session")
    laptop = Person(s)
    assert_eq(laptop.login("devices@example.com").status, 303)
    assert_eq(query(s, "SELECT count(*) FROM sessions WHERE user_id = %s" % uid)[0][0], "2", "two devices, two sessions")


def test_duplicate_email_is_refused_case_blind(s):
    a = Person(s)
    assert_eq(a.signup("dup@example.com").status, 303)
    b = Person(s)
    r = b.signup("DUP@example.com")
    assert_eq(r.status, 422)
    assert_in("这个邮箱已经注册过了", r.text)


def test_signing_in_renews_the_csrf_token(s):
    p = Person(s)
    p.signup("renew-csrf@example.com")
    p.post("/logout", {})
    p.get("/login")
    before = p.cookies["csrf"]
    r = p.login("renew-csrf@example.com")
    assert_eq(r.status, 303)
    after = p.cookies["csrf"]
    assert after != before, "a token known before signing in is worth nothing after"
    assert_eq(p.post("/account/tokens", {"name": "old token", "_csrf": before}).status, 403, "the old token is refused")
    assert_eq(p.post("/account/tokens", {"name": "new token"}).status, 201, "the new one works")


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


def test_strangers_guessing_do_not_lock_the_owner_out(s):
    owner = Person(s)
    owner.signup("owner-guessed@example.com")
    owner.post("/logout", {})
    thief = Person(s)
    codes = [thief.login("owner-guessed@example.com", "guess %d" % i).status for i in range(12)]
    assert_eq(codes[10:], [429, 429], "the guesser is held back")
    assert_eq(thief.login("owner-guessed@example.com").status, 429, "a stranger waits even with the password")
    assert_eq(owner.login("owner-guessed@example.com").status, 303, "the owner's own device signs in")
    forged = Person(s)
    forged.cookies["dev"] = "A" * 43
    assert_eq(forged.login("owner-guessed@example.com").status, 429, "a made-up device cookie is a stranger's")


def test_parallel_guesses_cannot_pass_the_limit(s):
    import concurrent.futures
    Person(s).signup("parallel-guess@example.com")
    guessers = [Person(s) for _ in range(30)]
    for g in guessers:
        g.get("/login")

    def guess(i):
        return guessers[i % 30].login("parallel-guess@example.com", "wrong %d" % i).status
    with concurrent.futures.ThreadPoolExecutor(30) as pool:
        codes = list(pool.map(guess, range(60)))
    assert codes.count(401) <= 10, "at most 10 of 60 parallel guesses were checked: %s" % codes
    assert_eq(codes.count(401) + codes.count(429), 60)


def test_forms_need_csrf(s):
    p = Person(s)
    r = p.post("/signup", {"consent": "1", "name": "x", "email": "csrf@example.com", "password": "long enough", "_csrf": "x" * 32})
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
    import unicodedata

    def role_column(line):
        """The display column the role starts at: wide characters take two."""
        before = line.rsplit(" ", 1)[0] + " "
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in before)
    rows = [l for l in listing.splitlines()[1:] if l.strip()]
    assert len({role_column(l) for l in rows}) == 1, "columns line up with Chinese names:\n" + listing
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


def test_export_holds_everything_about_me_and_no_secrets(s):
    p = Person(s)
    p.post("/signup", {"consent": "1", "name": "导出者", "email": "export@example.com", "phone": "+86 138 0000 0000",
                       "password": "correct horse battery"})
    p.post("/subscribe", {"email": "export@example.com", "city": "1"})
    r = p.get("/account/export")
    assert_eq(r.status, 200)
    assert_in("attachment", r.header("Content-Disposition"))
    assert_eq(r.header("Cache-Control"), "no-store")
    import json
    data = json.loads(r.body)
    assert_eq(data["account"]["email"], "export@example.com")
    assert_eq(data["account"]["phone"], "+86 138 0000 0000")
    assert_eq(data["account"]["display_name"], "导出者")
    assert len(data["sessions"]) >= 1
    assert_eq([x["email"] for x in data["subscriptions"]], ["export@example.com"])
    for secret in ["password_hash", "token_hash", "$argon2id"]:
        assert secret not in r.text, secret
    assert_eq(Person(s).get("/account/export").status, 303, "visitors get nothing")


def test_delete_account_keeps_the_row_forgets_the_person(s):
    p = Person(s)
    p.signup("leaving@example.com", name="要离开的人")
    r = p.post("/account/delete", {"password": "wrong password"})
    assert_eq(r.status, 422)
    assert_eq(p.get("/account").status, 200, "still here after a wrong password")
    r = p.post("/account/delete", {"password": "correct horse battery"})
    assert_eq(r.status, 303)
    assert_eq(r.header("Location"), "/?account_deleted=1")
    assert_in("账号已删除", p.get("/?account_deleted=1").text)
    assert_eq(p.get("/account").status, 303, "signed out")
    assert_eq(Person(s).login("leaving@example.com").status, 401)
    listing = s.run("user", "list").stdout.decode()
    assert "leaving@example.com" not in listing and "要离开的人" not in listing
    assert_in("(deleted)", listing, "the row stays for what the person took part in")
    assert_eq(Person(s).signup("leaving@example.com").status, 303, "the address is free again")


def test_admin_changes_a_role_and_the_audit_log_says_so(s):
    out = s.run("user", "add", "boss@example.com", "管理员甲", "admin").stdout.decode()
    pw = re.search(r"one-time password: (\S+)", out).group(1)
    admin = Person(s)
    assert_eq(admin.login("boss@example.com", pw).status, 303)
    member = Person(s)
    member.signup("promote@example.com", name="将被提升")
    users = admin.get("/admin/users")
    assert_eq(users.status, 200)
    ids = re.findall(r"<tr><td>(\d+)</td><td>将被提升</td>", users.text)
    assert_eq(len(ids), 1, "the member is listed")
    r = admin.post("/admin/users/%s/role" % ids[0], {"role": "organizer"})
    assert_eq(r.status, 303)
    assert_in("组织者", member.get("/account").text, "the member's role changed")
    r = admin.post("/admin/users/%s/role" % ids[0], {"role": "emperor"})
    assert_eq(r.status, 422)
    me = re.findall(r"<tr><td>(\d+)</td><td>管理员甲</td>", users.text)[0]
    assert_eq(admin.post("/admin/users/%s/role" % me, {"role": "member"}).status, 422, "not one's own role")
    log = admin.get("/admin/audit?action=user.set_role&actor=boss")
    assert_eq(log.status, 200)
    assert_in("user:%s" % ids[0], log.text)
    assert_in("organizer", log.text)
    assert_in("boss@example.com", log.text)
    assert "emperor" not in log.text, "a refused change is not logged"
    cli = admin.get("/admin/audit?action=user.add")
    assert_in("命令行", cli.text, "changes from the command line are shown as such")
    assert_in("boss@example.com", cli.text)
    assert_in("没有符合条件的记录", admin.get("/admin/audit?from=2099-01-01").text)
    assert_in("没有符合条件的记录", admin.get("/admin/audit?action=%25").text, "a % is literal, not a wildcard")
    assert_eq(admin.get("/admin/audit?actor=" + "x" * 65).status, 400, "overlong filter")
    j = admin.get("/api/v1/admin/audit?action=user.set_role").json()
    assert any(e["target"] == "user:%s" % ids[0] for e in j["entries"])
    assert_eq(member.get("/admin/audit").status, 403)
    assert_eq(member.get("/api/v1/admin/audit").status, 403)
    assert_eq(member.post("/admin/users/%s/role" % ids[0], {"role": "admin"}).status, 403, "no self-promotion")


def test_cookies_are_secure_behind_tls(s):
    tls = Server(s.binary, database=s.database, extra_env={"PGHERD_BASE_URL": "https://community.example.org"})
    try:
        tls.start()
        p = Person(tls)
        r = p.signup("tls@example.com")
        sid = [c for c in r.all_headers("Set-Cookie") if c.startswith("sid=")][0]
        assert_in("; Secure", sid)
        page = tls.get("/", keep_cookies=False)
        csrf = [c for c in page.all_headers("Set-Cookie") if c.startswith("__Host-csrf=")]
        assert csrf, "over https the CSRF cookie is __Host- prefixed: %r" % page.all_headers("Set-Cookie")
        assert_in("; Secure", csrf[0])
        assert_in("; Path=/", csrf[0])
        assert "Domain=" not in csrf[0]
        assert_eq(page.header("Strict-Transport-Security"), "max-age=31536000")
        assert_eq(s.get("/", keep_cookies=False).header("Strict-Transport-Security"), None, "not over http")
    finally:
        code = tls.stop()
        tls.cleanup()
    assert_eq(code, 0)


def test_ten_megabyte_name_is_refused_whole(s):
    p = Person(s)
    # The declared length is refused as soon as the headers arrive, before
    # the 10 MB are read; the client sends only their start.
    status = s.raw(b"POST /signup HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                   b"Content-Length: %d\r\n\r\n" % (10 * 1024 * 1024 + 30) +
                   b"email=ten%40example.com&name=" + b"A" * 4096)
    assert_eq(status[9:12], "413")
    assert_eq(p.signup("ten@example.com").status, 303, "nothing was written: the address is free")


def reset_link(s, email):
    before = len(SINK.messages(email.lower()))
    p = Person(s)
    r = p.post("/reset", {"email": email})
    assert_eq(r.status, 200)
    assert_in("如果这个邮箱注册过账号", r.text)
    m = SINK.wait_for(email.lower(), before + 1)[-1]
    subject, body = mail_text(m)
    link = re.search(r"(http://\S+/reset/([A-Za-z0-9_-]{43}))", body)
    assert link, body
    return subject, body, link.group(1), link.group(2)


def test_reset_by_mail_is_single_use_and_ends_sessions(s):
    owner = Person(s)
    owner.signup("forgot@example.com")
    subject, body, url, token = reset_link(s, "Forgot@Example.com")
    assert_eq(subject, "重设你的 PostgreSQL 中文社区密码")
    from email.header import decode_header, make_header
    m = SINK.messages("forgot@example.com")[-1]
    assert_eq(str(make_header(decode_header(m["From"]))), "社区 <noreply@pgherd.example>")
    assert_eq(m["To"], "<forgot@example.com>")
    assert_in("60 分钟", body)
    assert url.startswith("http://127.0.0.1:8080/reset/"), "links use base_url"
    assert token not in s.read_log(), "the token is never logged when mail goes out"
    p = Person(s)
    assert_eq(p.get("/reset/" + token).status, 200)
    r = p.post("/reset/" + token, {"password": "short"})
    assert_eq(r.status, 422, "the new password is still checked")
    r = p.post("/reset/" + token, {"password": "brand new password"})
    assert_eq(r.status, 303)
    assert_eq(r.header("Location"), "/login?reset=1")
    assert_in("密码已重设", p.get("/login?reset=1").text)
    assert_eq(owner.get("/account").status, 303, "sessions ended")
    assert_eq(Person(s).login("forgot@example.com").status, 401, "the old password is gone")
    assert_eq(Person(s).login("forgot@example.com", "brand new password").status, 303)
    again = Person(s)
    assert_eq(again.get("/reset/" + token).status, 410, "used once")
    assert_eq(again.post("/reset/" + token, {"password": "another password"}).status, 410)
    assert_eq(Person(s).login("forgot@example.com", "another password").status, 401)


def make_token(p):
    r = p.post("/account/tokens", {"name": "nightly export"})
    assert_eq(r.status, 201)
    return re.search(r"<code>([A-Za-z0-9_-]{43})</code>", r.text).group(1)


def as_token(s, token, method="GET", path="/api/v1/account", body=None):
    h = {"Authorization": "Bearer " + token}
    if body is not None:
        h["Content-Type"] = "application/json"
    return s.request(method, path, body=body, headers=h, keep_cookies=False)


def test_tokens_end_with_every_way_out(s):
    """Log out everywhere, a password change and a reset each end every API
    token of the account, and a token cannot make or end credentials."""
    p = Person(s)
    p.signup("tokens-out@example.com")
    token = make_token(p)
    assert_eq(as_token(s, token).status, 200)
    uid = query(s, "SELECT id FROM users WHERE email = 'tokens-out@example.com'")[0][0]
    r = as_token(s, token, "POST", "/api/v1/account/tokens", b'{"name": "more"}')
    assert_eq(r.status, 403, "a token cannot make tokens")
    assert_eq(r.json()["error"]["code"], "session_only")
    assert_eq(as_token(s, token, "POST", "/api/v1/account/password",
                       b'{"current": "correct horse battery", "password": "taken over"}').status, 403)
    assert_eq(query(s, "SELECT count(*) FROM api_tokens WHERE user_id = %s" % uid)[0][0], "1")

    r = p.post("/account/sessions/end-all", {})
    assert_eq(as_token(s, token).status, 401, "log out everywhere ends the token")
    assert_in("API 令牌也已失效", p.get(r.header("Location")).text, "and the page says so")
    assert_eq(p.login("tokens-out@example.com").status, 303)
    token = make_token(p)
    assert_in("所有令牌都会失效", p.get("/account").text, "the account page says when tokens end")
    assert_eq(p.post("/account/password", {"current": "correct horse battery", "password": "second password"}).status, 303)
    assert_eq(as_token(s, token).status, 401, "a password change ends the token")
    assert_in("API 令牌也已失效", p.get("/account?password_changed=1").text)

    token = make_token(p)
    _, _, _, link = reset_link(s, "tokens-out@example.com")
    assert_eq(Person(s).post("/reset/" + link, {"password": "third password"}).status, 303)
    assert_eq(as_token(s, token).status, 401, "a reset ends the token")
    assert_eq(query(s, "SELECT count(*) FROM api_tokens WHERE user_id = %s" % uid)[0][0], "0")


def test_password_change_ends_reset_links(s):
    p = Person(s)
    p.signup("change-ends-link@example.com")
    _, _, _, link = reset_link(s, "change-ends-link@example.com")
    assert_eq(p.post("/account/password", {"current": "correct horse battery", "password": "changed on purpose"}).status,
              303)
    thief = Person(s)
    assert_eq(thief.get("/reset/" + link).status, 410, "a link asked for before the change is dead")
    assert_eq(thief.post("/reset/" + link, {"password": "the thief's password"}).status, 410)
    assert_eq(Person(s).login("change-ends-link@example.com", "changed on purpose").status, 303)


def test_reset_link_expires_and_forged_links_fail(s):
    Person(s).signup("expire@example.com")
    _, _, _, token = reset_link(s, "expire@example.com")
    sql(s, "UPDATE password_resets SET expires_at = created_at WHERE used_at IS NULL AND user_id = "
           "(SELECT id FROM users WHERE email = 'expire@example.com')")
    p = Person(s)
    assert_eq(p.get("/reset/" + token).status, 410)
    assert_in("这个链接已失效", p.get("/reset/" + token).text)
    assert_eq(p.post("/reset/" + token, {"password": "brand new password"}).status, 410)
    assert_eq(p.get("/reset/" + "A" * 43).status, 410, "forged")
    assert_eq(p.get("/reset/..%2F..%2Fetc").status, 404, "a path is not a token")


def test_reset_for_unknown_address_looks_the_same(s):
    before = len(SINK.messages())
    r = Person(s).post("/reset", {"email": "nobody-here@example.com"})
    assert_eq(r.status, 200)
    assert_in("如果这个邮箱注册过账号", r.text)
    import time
    time.sleep(0.5)
    assert_eq(len(SINK.messages()), before, "no mail for an unknown address")
    bad = Person(s).post("/reset?lang=zh", {"email": "not an email"})
    assert_eq(bad.status, 422)
    assert_in('value="not an email"', bad.text, "the address comes back as typed")
    assert_in("这看起来不像电子邮箱地址", bad.text)


def test_reset_answers_alike_when_the_mail_server_is_down(s):
    """The mail goes through the outbox, so a broken mail server cannot tell
    an address with an account from one without."""
    down = Server(s.binary, extra_env={"PGHERD_SMTP_URL": "smtp://127.0.0.1:9"})  # nothing listens there
    try:
        down.start()
        Person(down).signup("known@example.com")
        known = Person(down).post("/reset", {"email": "known@example.com"})
        unknown = Person(down).post("/reset", {"email": "unknown@example.com"})
        assert_eq((known.status, unknown.status), (200, 200))
        strip = lambda t: re.sub(r'value="[^"]*"|known@example\.com|unknown@example\.com', "", t)  # noqa: E731
        assert_eq(strip(known.text), strip(unknown.text), "the same page either way")
        assert_eq(query(down, "SELECT count(*) FROM outbox WHERE to_addr = 'known@example.com' AND sent_at IS NULL "
                              "AND body LIKE '%/reset/%'")[0][0], "1", "the link waits in the outbox for the mail server")
    finally:
        down.stop()
        down.cleanup()


def test_sign_up_asks_consent_hides_the_profile_and_proves_the_address(s):
    p = Person(s)
    r = p.post("/signup", {"name": "未同意", "email": "no-consent@example.com", "password": "correct horse battery"})
    assert_eq(r.status, 422)
    assert_in("请先阅读隐私说明", r.text)
    assert_in('value="no-consent@example.com"', r.text, "the form comes back filled")
    assert_eq(query(s, "SELECT count(*) FROM users WHERE email = 'no-consent@example.com'")[0][0], "0")
    notice = Person(s).get("/privacy?lang=en")
    assert_eq(notice.status, 200)
    for text in ["Privacy notice", "GPS", "masked name", "download everything"]:
        assert_in(text, notice.text)
    assert_in("隐私说明", Person(s).get("/privacy").text)
    assert_eq(p.signup("consent@example.com", name="已同意").status, 303)
    row = query(s, "SELECT profile_public, privacy_accepted_at IS NOT NULL, email_verified_at IS NULL FROM users "
                   "WHERE email = 'consent@example.com'")[0]
    assert row[0] in ("0", "f", "False"), "a new profile is not public: %r" % (row,)
    assert row[1] in ("1", "t", "True") and row[2] in ("1", "t", "True"), row
    assert "checked" not in re.search(r'<input[^>]*name="profile_public"[^>]*>', p.get("/account/profile").text).group(0)
    assert_in("未确认", p.get("/account").text)
    mail = SINK.wait_for("consent@example.com", 1, confirmations=True)[0]
    subject, body = mail_text(mail)
    assert_eq(subject, "请确认你的邮箱")
    link = re.search(r"http://\S+(/account/verify/[A-Za-z0-9_-]{43})", body).group(1)
    forged = link[:-2] + ("AA" if link[-2:] != "AA" else "BB")
    assert_eq(Person(s).get(forged).status, 404, "a forged link proves nothing")
    done = Person(s).get(link)
    assert_eq(done.status, 200, "the link works in any browser")
    assert_in("邮箱已确认", done.text)
    assert_in("已确认", p.get("/account").text)
    assert_eq(p.post("/account/verify", {}).status, 303, "nothing more to send")
    # A link made for an address the account no longer has proves nothing.
    p2 = member(s, "moved@example.com")
    mail = SINK.wait_for("moved@example.com", 1, confirmations=True)[0]
    link = re.search(r"(/account/verify/[A-Za-z0-9_-]{43})", mail_text(mail)[1]).group(1)
    sql(s, "UPDATE users SET email = 'moved-on@example.com' WHERE email = 'moved@example.com'")
    assert_eq(Person(s).get(link).status, 404)
    assert_eq(p2.post("/account/verify", {}).status, 303)
    mails = SINK.wait_for("moved-on@example.com", 1, confirmations=True)
    assert_in("/account/verify/", mail_text(mails[-1])[1], "a fresh link to the new address")


def test_without_smtp_the_link_goes_to_the_log(s):
    # A database of its own: the suite's server would mail the link itself.
    quiet = Server(s.binary, extra_env={"PGHERD_SMTP_URL": ""})
    try:
        quiet.start()
        p = Person(quiet)
        p.signup("nomail@example.com")
        assert_eq(p.post("/reset", {"email": "nomail@example.com"}).status, 200)
        import time
        deadline = time.time() + 10
        while time.time() < deadline and not re.search(r"/reset/[A-Za-z0-9_-]{43}", quiet.read_log()):
            time.sleep(0.1)
        link = re.search(r"/reset/([A-Za-z0-9_-]{43})", quiet.read_log())
        assert link, "the link is in the server log"
        assert_eq(Person(quiet).get(link.group(0)).status, 200)
    finally:
        code = quiet.stop()
        quiet.cleanup()
    assert_eq(code, 0)


if __name__ == "__main__":
    SINK = MailSink()
    try:
        code = run_suite("accounts", [v for k, v in list(globals().items()) if k.startswith("test_")],
                         env={"PGHERD_SMTP_URL": SINK.url, "PGHERD_MAIL_FROM": "社区 <noreply@pgherd.example>"})
    finally:
        SINK.stop()
    sys.exit(code)

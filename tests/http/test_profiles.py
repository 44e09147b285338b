"""test_profiles.py: a member fills a profile and finds their company; others
see only what the member made public; organizers filter the directory and
export it; attackers try markup in every field.
    python3 tests/http/test_profiles.py BINARY [DATABASE_URL]"""
import os
import re
import sys
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Person, assert_eq, assert_in, run_suite  # noqa: E402


def member(s, email, name="资料测试"):
    return harness.member(s, email, name)


def my_id(p):
    return re.search(r'href="/people/(\d+)"', p.get("/account/profile").text).group(1)


def test_profile_with_markdown_made_safe(s):
    p = member(s, "profile@example.com", "赵磊")
    bio = ("我是 **DBA**，专注 `PostgreSQL` 高可用。\n\n<script>alert(1)</script>\n\n"
           "[点我](javascript:alert(1)) <img src=x onerror=alert(2)> ~~旧系统~~\n")
    r = p.post("/account/profile", {"name": "赵磊", "job_role": "dba", "org": "邮储银行", "title": "高级 DBA",
                                    "city": "北京", "bio": bio, "profile_public": "1"})
    assert_eq(r.status, 303)
    assert_in("个人资料已保存", p.get("/account/profile?saved=1").text)
    page = Person(s).get("/people/" + my_id(p))
    assert_eq(page.status, 200)
    t = page.text
    assert_in("<h1>赵磊</h1>", t)
    assert re.search(r'DBA · 高级 DBA · <a href="/orgs/\d+">邮储银行</a> · 北京', t), "facts, with the organization linked"
    assert_in("<strong>DBA</strong>", t)
    assert_in("<code>PostgreSQL</code>", t)
    assert_in("<del>旧系统</del>", t)
    for bad in ["<script>alert(1)", "javascript:alert", "onerror=alert", "<img src=x"]:
        assert bad not in t, bad
    assert "profile@example.com" not in t, "email hidden unless made public"
    en = Person(s).get("/people/%s?lang=en" % my_id(p)).text
    assert_in("Postal Savings Bank of China", en, "the directory's English name on the English page")


def test_contact_fields_only_when_public(s):
    p = member(s, "contact@example.com", "钱七")
    p.post("/account/profile", {"name": "钱七", "profile_public": "1", "email_public": "1"})
    t = Person(s).get("/people/" + my_id(p)).text
    assert_in("mailto:contact@example.com", t)
    p.post("/account/profile", {"name": "钱七", "profile_public": "1"})
    assert "contact@example.com" not in Person(s).get("/people/" + my_id(p)).text


def test_hidden_profile_is_seen_only_by_its_owner(s):
    p = member(s, "hidden@example.com", "孙八")
    p.post("/account/profile", {"name": "孙八"})
    pid = my_id(p)
    assert_eq(Person(s).get("/people/" + pid).status, 404)
    mine = p.get("/people/" + pid)
    assert_eq(mine.status, 200)
    assert_in("只有你自己能看到", mine.text)
    assert_eq(Person(s).get("/people/999999").status, 404)
    assert_eq(Person(s).get("/people/abc").status, 404)


def test_bad_profile_input_is_kept_and_refused(s):
    p = member(s, "badprofile@example.com", "周九")
    r = p.post("/account/profile", {"name": "周九", "job_role": "wizard", "title": "x" * 65,
                                    "city": "<b>城</b>", "bio": "长" * 4001})
    assert_eq(r.status, 422)
    assert_in("请从列表中选择职业角色", r.text)
    assert_in("职位最多 64 个字符", r.text)
    assert_in("个人简介最多 4000 个字符", r.text)
    assert_in("&lt;b&gt;城&lt;/b&gt;", r.text, "kept, escaped")
    assert_eq(p.post("/account/profile", {"name": "", "bio": "x"}).status, 422)
    # The ticked boxes come back ticked, the chosen role chosen, with the one wrong field named.
    r = p.post("/account/profile", {"name": "周九\u202e", "job_role": "dba", "profile_public": "1", "city": "杭州"})
    assert_eq(r.status, 422, "a name with a right-to-left override")
    assert_in('<option value="dba" selected>', r.text)
    assert_in('name="profile_public" value="1" checked', r.text.replace('type="checkbox" ', ''))
    assert_eq(r.text.count('class="field-error"'), 1, "only the name is wrong")
    api = p.req("POST", "/api/v1/account/profile", {"name": "周九", "job_role": "wizard"},
                headers={"Accept": "application/json"})
    assert_eq((api.status, sorted(api.json()["error"]["fields"])), (422, ["job_role"]))
    assert_in("<h1>周九</h1>", p.get("/people/" + my_id(p)).text, "nothing was saved")


def test_directory_filters_and_csv_for_organizers(s):
    a = member(s, "dir-a@example.com", "目录甲")
    a.post("/account/profile", {"name": "目录甲", "job_role": "developer", "org": "华为", "city": "深圳",
                                "profile_public": "1"})
    b = member(s, "dir-b@example.com", "目录乙")
    b.post("/account/profile", {"name": "目录乙", "job_role": "student", "org": "浙江大学", "city": "杭州",
                                "profile_public": "1", "email_public": "1"})
    out = s.run("user", "add", "organizer@example.com", "组织者", "organizer").stdout.decode()
    pw = re.search(r"one-time password: (\S+)", out).group(1)
    org = Person(s)
    assert_eq(org.login("organizer@example.com", pw).status, 303)
    t = org.get("/people?city=" + quote("深圳")).text
    assert_in("目录甲", t)
    assert "目录乙" not in t
    t = org.get("/people?org=" + quote("浙江")).text
    assert_in("目录乙", t, "substring of a Chinese organization name")
    assert "目录甲" not in t
    t = org.get("/people?job_role=student").text
    assert_in("目录乙", t)
    assert_eq(org.get("/people?job_role=wizard").status, 400)
    csv = org.get("/people.csv?org=" + quote("浙江"))
    assert_eq(csv.status, 200)
    assert_in("text/csv", csv.header("Content-Type"))
    assert csv.body.startswith(b"\xef\xbb\xbf"), "BOM for Excel"
    text = csv.body.decode("utf-8-sig")
    lines = text.strip().split("\r\n")
    assert_eq(lines[0], "id,称呼,职业角色,所在机构,职位,城市,电子邮箱,手机号")
    assert_eq(len(lines), 2)
    assert_in("目录乙,学生,浙江大学,,杭州,dir-b@example.com", lines[1])
    assert_eq(a.get("/people").status, 403, "members do not see the directory")
    assert_eq(a.get("/people.csv").status, 403)


SQLISH = ["x'); DROP TABLE users; --", "1 OR 1=1", "\\'; SELECT pg_sleep(5); --", "%_\\", "\" OR \"\"=\""]


def test_sql_metacharacters_in_every_field_are_just_text(s):
    for i, bad in enumerate(SQLISH):
        p = Person(s)
        r = p.post("/signup", {"consent": "1", "name": bad, "email": "sql%d@example.com" % i, "phone": "",
                               "password": bad + " long enough"})
        assert_eq(r.status, 303, bad)
        r = p.post("/account/profile", {"name": bad, "org": bad, "title": bad[:64], "city": bad[:32], "bio": bad,
                                        "profile_public": "1"})
        assert_eq(r.status, 303, bad)
        page = Person(s).get("/people/" + my_id(p)).text
        import html
        assert_in("<h1>%s</h1>" % html.escape(bad).replace("&#x27;", "&#39;"), page, bad)
        assert_eq(Person(s).login("sql%d@example.com" % i, bad + " long enough").status, 303, "password kept as typed")
    assert_eq(len(re.findall(r"sql\d@example.com", s.run("user", "list").stdout.decode())), len(SQLISH),
              "every account exists, the users table is intact")


def test_deleted_member_disappears_from_profiles_and_directory(s):
    p = member(s, "gone@example.com", "将离开")
    p.post("/account/profile", {"name": "将离开", "city": "南京", "bio": "bio", "profile_public": "1"})
    pid = my_id(p)
    assert_eq(Person(s).get("/people/" + pid).status, 200)
    assert_eq(p.post("/account/delete", {"password": "correct horse battery"}).status, 303)
    assert_eq(Person(s).get("/people/" + pid).status, 404)


if __name__ == "__main__":
    sys.exit(run_suite("profiles", [v for k, v in list(globals().items()) if k.startswith("test_")]))

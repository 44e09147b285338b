"""test_api.py: /api/v1 as a script uses it: personal tokens sent as
Authorization: Bearer, JSON in and out, the same rules as the web, and
errors as {"error": {"code", "message"}}.
    python3 tests/http/test_api.py BINARY [DATABASE_URL]"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Person, assert_eq, assert_in, run_suite  # noqa: E402


def token_for(s, email, role=None):
    """Signs up (or is created with a role) and makes a token in the browser."""
    p = Person(s)
    if role:
        out = s.run("user", "add", email, "API " + role, role).stdout.decode()
        assert_eq(p.login(email, re.search(r"one-time password: (\S+)", out).group(1)).status, 303)
    else:
        assert_eq(p.signup(email, name="脚本作者").status, 303)
    r = p.post("/account/tokens", {"name": "import script"})
    assert_eq(r.status, 201)
    token = re.search(r"<code>([A-Za-z0-9_-]{43})</code>", r.text).group(1)
    return p, token


def api(s, method, path, token=None, body=None, ctype="application/json"):
    h = {"Accept": "application/json"}
    if token:
        h["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        h["Content-Type"] = ctype
    r = s.request(method, path, body=data, headers=h, keep_cookies=False)
    return r


def test_token_acts_for_its_owner_without_csrf(s):
    p, token = token_for(s, "script@example.com")
    me = api(s, "GET", "/api/v1/account", token)
    assert_eq(me.status, 200)
    assert_eq(me.json()["account"]["email"], "script@example.com")
    r = api(s, "POST", "/api/v1/account/profile", token, {"name": "脚本作者", "city": "成都", "job_role": "developer",
                                                           "profile_public": True, "email_public": False})
    assert_eq(r.status, 200)
    assert_eq(r.json(), {"saved": True})
    pid = re.search(r'href="/people/(\d+)"', p.get("/account/profile").text).group(1)
    prof = api(s, "GET", "/api/v1/people/" + pid)
    assert_eq(prof.json()["person"]["city"], "成都")
    assert "email" not in prof.json()["person"] or prof.json()["person"]["email"] is None
    bad = api(s, "POST", "/api/v1/account/profile", token, {"name": "x", "job_role": "wizard"})
    assert_eq(bad.status, 422)
    assert_eq(bad.json()["error"]["code"], "invalid")
    assert_in("job_role", bad.json()["error"]["fields"])
    assert_in("token.create", json.dumps(api(s, "GET", "/api/v1/account/export", token).json()["activity"]))


def test_tokens_follow_the_same_rules_as_the_web(s):
    _, member = token_for(s, "plain@example.com")
    assert_eq(api(s, "GET", "/api/v1/people", member).status, 403)
    assert_eq(api(s, "POST", "/api/v1/orgs/new", member, {"name_zh": "越权机构", "category": "user"}).status, 403)
    _, organizer = token_for(s, "apiorg@example.com", "organizer")
    people = api(s, "GET", "/api/v1/people?q=" + "%E8%84%9A%E6%9C%AC", organizer)
    assert_eq(people.status, 200)
    assert_in("脚本作者", [x["name"] for x in people.json()["people"]])
    _, ed = token_for(s, "apied@example.com", "editor")
    r = api(s, "POST", "/api/v1/orgs/new", ed, {"name_zh": "接口银行", "name_en": "API Bank", "category": "user",
                                                "industry": "bank", "aliases": "接口行"})
    assert_eq(r.status, 201)
    oid = r.json()["id"]
    org = api(s, "GET", "/api/v1/orgs/%d" % oid).json()["org"]
    assert_eq((org["name_zh"], org["aliases"]), ("接口银行", ["接口行"]))
    r = api(s, "POST", "/api/v1/orgs/%d/edit" % oid, ed, {"name_zh": "接口银行", "category": "user",
                                                          "website": "https://api-bank.example"})
    assert_eq(r.status, 200)
    dup = api(s, "POST", "/api/v1/orgs/new", ed, {"name_zh": "接口银行（重复）", "category": "user"}).json()["id"]
    r = api(s, "POST", "/api/v1/orgs/%d/merge" % dup, ed, {"into": oid})
    assert_eq(r.status, 200)
    assert_eq(r.json(), {"merged": dup, "into": oid})
    found = api(s, "GET", "/api/v1/orgs?q=%E9%87%8D%E5%A4%8D").json()["orgs"]
    assert_eq([o["id"] for o in found], [oid], "the duplicate's name now finds the survivor")


def test_revoked_and_bad_tokens_are_refused(s):
    p, token = token_for(s, "revoke@example.com")
    page = p.get("/account").text
    tid = re.search(r'action="/account/tokens/([0-9a-f]{16})/revoke"', page).group(1)
    assert token not in page, "the account page never shows a token again"
    assert_eq(p.post("/account/tokens/%s/revoke" % tid, {}).status, 303)
    r = api(s, "GET", "/api/v1/account", token)
    assert_eq(r.status, 401)
    assert_eq(r.json()["error"]["code"], "bad_token")
    assert_eq(api(s, "GET", "/api/v1/", "garbage").status, 401, "a bad token is refused, not ignored")
    r = s.request("GET", "/api/v1/account", headers={"Authorization": "Basic dXNlcjpwdw=="}, keep_cookies=False)
    assert_eq(r.status, 401)
    assert_eq(p.post("/account/tokens/%s/revoke" % tid, {}).status, 404, "already gone")


def test_bad_json_bodies(s):
    _, token = token_for(s, "json@example.com")
    for body in [b"{not json", b"[1,2]", b'{"name": {"nested": 1}}', b'{"a": 1, "a": 2}']:
        r = api(s, "POST", "/api/v1/account/profile", token, body)
        assert_eq(r.status, 400, body)
        assert_eq(r.json()["error"]["code"], "bad_json")
    r = api(s, "POST", "/api/v1/account/profile", token, b'{"name": "\\u0000x"}')
    assert_eq(r.status, 400, "NUL in a string")


if __name__ == "__main__":
    sys.exit(run_suite("api", [v for k, v in list(globals().items()) if k.startswith("test_")]))

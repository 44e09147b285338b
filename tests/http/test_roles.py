"""test_roles.py: walks every route in `pgherd routes` with every role
(a visitor and one account per role) and checks the answer matches the
route's declared rule: allowed, 403, or sign in first (a redirect to the
login page for pages, 401 for the API), and is exactly the status
tests/http/roles_expected.json holds for that route and role; any 5xx
fails. A route added without a rule stops
the server from starting, so it cannot slip past this walk either.
    python3 tests/http/test_roles.py BINARY [DATABASE_URL]"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Person, assert_eq, run_suite  # noqa: E402

# What each route answers each role allowed to call it, walked in this
# order on a fresh database with an empty form and :id 1 (reviewed by hand:
# a 404 is an event, ticket or person that is not there, a 422 an empty
# form refused, a 303 a form that went through). PGHERD_ROLES_RECORD=FILE
# writes what the walk saw instead of checking it.
HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = json.load(open(os.path.join(HERE, "roles_expected.json"))) if os.path.exists(
    os.path.join(HERE, "roles_expected.json")) else {}
RECORD = os.environ.get("PGHERD_ROLES_RECORD")
# The codes of a 403 that refuses one row to a role the route lets in.
RESOURCE_REFUSALS = ("not_yours", "editors_only")
ROLES = ["member", "speaker", "volunteer", "organizer", "editor", "treasurer", "admin"]


def routes(s):
    out = s.run("routes").stdout.decode()
    table = []
    for line in out.splitlines():
        if line.startswith("#"):
            continue  # the header and the note on /api/v1
        m = re.match(r"(\S.*?)\s{2,}(/\S*)\s+(\S+)\s+(csrf|-)\s+(\S+)$", line)
        assert m, "unreadable route line: %r" % line
        methods = [x.strip() for x in m.group(1).split(",")]
        table.append((methods, m.group(2), m.group(3), m.group(4) == "csrf", m.group(5)))
    return table


def expected(allow, role):
    if allow == "everyone":
        return "allowed"
    if role == "visitor":
        return "sign_in"
    if allow == "signed-in" or role in allow.split(","):
        return "allowed"
    return "forbidden"


def concrete(pattern):
    return re.sub(r":\w+", "1", re.sub(r"\*\w+", "app.css", pattern))


def test_every_route_with_every_role(s):
    people = {"visitor": Person(s)}
    for role in ROLES:
        email = "walk-%s@example.com" % role
        pw = re.search(r"one-time password: (\S+)", s.run("user", "add", email, "Walker", role).stdout.decode()).group(1)
        people[role] = (Person(s), email, pw)
    table = routes(s)
    seen = {}
    assert len(table) >= 20, "the walk sees the whole table"
    checked = 0
    for methods, pattern, allow, csrf, name in table:
        if name in ("bench",):
            continue
        path = concrete(pattern)
        for role in ["visitor"] + ROLES:
            if role == "visitor":
                p = people["visitor"]
            else:
                p, email, pw = people[role]
                if p.get("/api/v1/account").status != 200:  # a route may have ended the session
                    assert_eq(p.login(email, pw).status, 303, "login as " + role)
            for method in methods:
                if method == "HEAD":
                    continue
                h = {"Accept": "application/json"}
                r = p.post(path, {}, headers=h) if method == "POST" else p.req(method, path, headers=h)
                try:
                    code = json.loads(r.body).get("error", {}).get("code") if r.body[:1] == b"{" else None
                except ValueError:
                    code = None
                want = expected(allow, role)
                assert r.status < 500, "%s %s as %s: %d %s" % (method, path, role, r.status, r.body[:200])
                key = "%s %s %s" % (method, name, role)
                seen[key] = r.status
                if not RECORD:
                    assert key in EXPECTED, "%s: no expected status for this route (tests/http/roles_expected.json)" % key
                    assert_eq(r.status, EXPECTED[key], "%s %s as %s" % (method, path, role))
                if want == "allowed":
                    # A role let in may still be refused a row that is not
                    # theirs (another member's draft): that 403 says so.
                    ok = code not in ("sign_in", "forbidden", "csrf") and (r.status != 403 or code in RESOURCE_REFUSALS)
                elif want == "sign_in":
                    ok = r.status == 401 and code == "sign_in"
                else:
                    ok = r.status == 403 and code == "forbidden"
                assert ok, "%s %s as %s: declared %s, got %d %s" % (method, path, role, allow, r.status, code)
                checked += 1
                # the page form of a sign-in answer is a redirect to the login page
                if want == "sign_in" and method == "GET":
                    page = p.get(path)
                    assert_eq(page.status, 303, "page %s as visitor" % path)
                    assert page.header("Location").startswith("/login?next="), page.header("Location")
    assert checked > 150, "walked %d route/role/method triples" % checked
    if RECORD:
        with open(RECORD, "w") as f:
            f.write("{\n" + ",\n".join("  %s: %d" % (json.dumps(k), v) for k, v in sorted(seen.items())) + "\n}\n")
    else:
        missing = sorted(set(EXPECTED) - set(seen))
        assert not missing, "routes expected but not walked: %s" % missing[:5]


if __name__ == "__main__":
    sys.exit(run_suite("roles", [test_every_route_with_every_role]))

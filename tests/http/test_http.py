"""test_http.py: pgherd as a visitor, a browser and an attacker meet it,
over real HTTP to the real binary. Run by tests/run-all.sh once on SQLite
and once on PostgreSQL:  python3 tests/http/test_http.py BINARY [DATABASE_URL]"""
import concurrent.futures
import html
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Person, assert_eq, beside, assert_in, query, sql, ROOT, Server  # noqa: E402

SECURITY_HEADERS = ["Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
                    "X-Frame-Options"]


def assert_secure(r, what):
    for h in SECURITY_HEADERS:
        if not r.header(h):
            raise AssertionError("%s: missing %s" % (what, h))
    assert_in("frame-ancestors 'none'", r.header("Content-Security-Policy"), what)
    if "'unsafe-inline'" in r.header("Content-Security-Policy"):
        raise AssertionError("CSP allows inline script")


# ---- the visitor's story ----

def test_home_in_chinese_by_default(s):
    r = s.get("/", keep_cookies=False)
    assert_eq(r.status, 200, "status")
    assert_in("text/html", r.header("Content-Type"))
    assert_in('<html lang="zh-CN">', r.text)
    assert_in("连接每一位 PostgreSQL 用户", r.text)
    assert_in("近期活动", r.text)
    assert_in("第 38 期 PG 天天象上 · 杭州站", r.text)  # a coming salon from the demo
    assert_in("邮储银行", r.text)                       # an organization from the directory
    assert_secure(r, "home")


def test_home_in_english_by_query_cookie_and_header(s):
    r = s.get("/?lang=en", keep_cookies=False)
    assert_in('<html lang="en">', r.text)
    assert_in("Where PostgreSQL users in China meet", r.text)
    assert_in("PG Elephant Days #38", r.text)
    cookie = [c for c in r.all_headers("Set-Cookie") if c.startswith("lang=")]
    assert_eq(len(cookie), 1, "lang cookie set")
    r2 = s.get("/", headers={"Cookie": "lang=en"}, keep_cookies=False)
    assert_in('<html lang="en">', r2.text)
    r3 = s.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}, keep_cookies=False)
    assert_in('<html lang="en">', r3.text)
    r4 = s.get("/", headers={"Accept-Language": "en;q=0.4,zh-CN;q=0.9"}, keep_cookies=False)
    assert_in('<html lang="zh-CN">', r4.text)
    # the switch on every page links to the other language
    assert_in('href="/?lang=zh"', r.text)


def test_pages_promise_only_what_exists(s):
    """Points and training come later: until their features exist, no
    page's description, hero or sign-up text promises them. The wish wall
    is here, and every page's navigation leads to it."""
    for path in ["/?lang=zh", "/signup?lang=zh", "/?lang=en", "/signup?lang=en"]:
        # Each page's CSRF token is random letters: it may spell anything.
        page = s.get(path, keep_cookies=False).text
        text = re.sub(r'name="_csrf" value="[^"]*"', "", page).lower()
        for word in ["积分", "文章与培训", "培训", "points", "articles and training", "training"]:
            assert word not in text, "%s promises %r" % (path, word)
        assert_in('href="/wishes"', page, path + ": the wish wall in the navigation")


def test_home_and_event_page_give_the_same_numbers(s):
    """#36 registered 192 through pgherd and published "2xx"; #34 counted 80
    and published "about 90": the home page says what the event page says,
    with no English inside the Chinese page."""
    zh = s.get("/?lang=zh", keep_cookies=False).text
    for seq, counted, published in [(36, "192", "2xx"), (34, "80", "about 90")]:
        eid = query(s, "SELECT id FROM events WHERE seq = %d" % seq)[0][0]
        assert_in(counted, s.get("/events/%s?lang=zh" % eid, keep_cookies=False).text)
        assert_in("报名 %s" % counted, zh)
        assert published not in zh, "%r on the Chinese home page" % published


def test_page_and_api_share_one_model(s):
    api = s.get("/api/v1/?lang=en", keep_cookies=False)
    assert_eq(api.status, 200)
    assert_in("application/json", api.header("Content-Type"))
    m = api.json()
    assert_eq(m["stats"]["events_held"], 7, "events held")
    assert_eq(m["stats"]["orgs"], 38, "organizations")
    assert_eq(m["upcoming"][0]["title"], "PG Elephant Days #38 · Hangzhou")
    assert_eq(m["upcoming"][0]["registration_open"], True)
    assert_eq(m["past"][0]["hosts"], ["Alibaba"])
    same = s.get("/?lang=en", headers={"Accept": "application/json"}, keep_cookies=False).json()
    assert_eq(same, m, "Accept: application/json gives the same model")
    page = s.get("/?lang=en", keep_cookies=False).text
    for item in m["upcoming"] + m["past"]:
        assert_in(html.escape(item["title"]).replace("&#x27;", "&#39;"), page, "every event of the model is on the page")


def test_healthz_checks_the_database(s):
    r = s.get("/healthz")
    assert_eq(r.status, 200)
    j = r.json()
    assert_eq(j["status"], "ok")
    assert_eq(j["database"], "postgres" if s.database.startswith("postgres") else "sqlite")
    assert_eq(r.header("Cache-Control"), "no-store")


def test_static_assets_cache_and_revalidate(s):
    page = s.get("/").text
    href = re.search(r'href="(/static/app\.css\?v=([0-9a-f]{16}))"', page)
    assert href, "stylesheet link with a content hash"
    r = s.get(href.group(1))
    assert_eq(r.status, 200)
    assert_in("text/css", r.header("Content-Type"))
    assert_in("immutable", r.header("Cache-Control"))
    etag = r.header("ETag")
    assert_eq(etag, '"%s"' % href.group(2))
    r304 = s.get("/static/app.css", headers={"If-None-Match": etag})
    assert_eq(r304.status, 304, "revalidation")
    assert_eq(r304.body, b"")
    plain = s.get("/static/app.css")
    assert_in("max-age=300", plain.header("Cache-Control"))
    assert_secure(plain, "static")
    for bad in ["/static/../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd", "/static/nope.css",
                "/static/app.css.bak", "/static/"]:
        assert_eq(s.get(bad).status, 404, bad)


def test_cached_page_is_never_stale(s):
    before = s.get("/?lang=zh", keep_cookies=False)
    assert_in("第 38 期 PG 天天象上 · 杭州站", before.text)
    again = s.get("/", headers={"Cookie": "lang=zh"}, keep_cookies=False)
    assert_in("第 38 期 PG 天天象上 · 杭州站", again.text)
    sql(s, "UPDATE events SET title_zh = '第 38 期 PG 天天象上 · 杭州站（改期）' WHERE seq = 38")
    try:
        after = s.get("/", headers={"Cookie": "lang=zh"}, keep_cookies=False)
        assert_in("杭州站（改期）", after.text, "a change by another process shows at once")
        sql(s, "INSERT INTO channels (kind, name_zh, name_en, followers, pos) "
               "VALUES ('weibo', '微博测试', 'Weibo test', 5, 99)")
        assert_in("微博测试", s.get("/", headers={"Cookie": "lang=zh"}, keep_cookies=False).text)
    finally:
        sql(s, "UPDATE events SET title_zh = '第 38 期 PG 天天象上 · 杭州站' WHERE seq = 38")
        sql(s, "DELETE FROM channels WHERE kind = 'weibo' AND name_zh = '微博测试'")
    assert "微博测试" not in s.get("/", headers={"Cookie": "lang=zh"}, keep_cookies=False).text


def test_cached_page_carries_each_visitors_own_token(s):
    tokens = set()
    for _ in range(3):
        r = s.get("/", keep_cookies=False)
        cookie = [c for c in r.all_headers("Set-Cookie") if c.startswith("csrf=")][0].split(";")[0][5:]
        field = re.search(r'name="_csrf" value="([^"]+)"', r.text).group(1)
        assert_eq(field, cookie, "the form's token is this visitor's cookie")
        tokens.add(field)
    assert_eq(len(tokens), 3, "three visitors, three tokens")
    mine = tokens.pop()
    r = s.get("/", headers={"Cookie": "csrf=" + mine}, keep_cookies=False)
    assert_in('name="_csrf" value="%s"' % mine, r.text)
    assert_eq([c for c in r.all_headers("Set-Cookie") if c.startswith("csrf=")], [], "kept, not replaced")
    # A token this site did not make is never taken, however well shaped.
    made_up = mine[:-2] + ("AA" if not mine.endswith("AA") else "BB")
    r = s.get("/", headers={"Cookie": "csrf=" + made_up}, keep_cookies=False)
    assert made_up not in r.text, "a made-up token never reaches the page"
    assert_eq(len([c for c in r.all_headers("Set-Cookie") if c.startswith("csrf=")]), 1, "replaced by one of ours")
    r = s.get("/", headers={"Cookie": "csrf=" + "k" * 32}, keep_cookies=False)
    assert ("k" * 32) not in r.text
    assert "\x01" not in r.text and "pgherd-visitor-slot" not in r.text
    evil = '"><script>alert(1)</script>' + "a" * 10
    r = s.get("/", headers={"Cookie": "csrf=" + evil}, keep_cookies=False)
    assert "<script>alert(1)" not in r.text, "a forged cookie never reaches the page"
    assert_eq(len([c for c in r.all_headers("Set-Cookie") if c.startswith("csrf=")]), 1, "replaced")


def test_page_cache_off_gives_the_same_page(s):
    with beside(s, {"PGHERD_PAGE_CACHE": "off"}) as plain:
        h = {"Cookie": "lang=en; csrf=" + s.csrf()}  # one this site made: both servers take it
        a = plain.get("/", headers=h, keep_cookies=False)
        b = s.get("/", headers=h, keep_cookies=False)
        assert_eq(a.status, 200)
        assert_eq(a.body, b.body, "cached and uncached pages are identical")


# ---- errors a person can read ----

def test_unknown_route_404_page_and_json(s):
    r = s.get("/no/such/page")
    assert_eq(r.status, 404)
    assert_in("找不到这个页面", r.text)
    assert_in("返回首页", r.text)
    assert_secure(r, "404")
    j = s.get("/api/v1/no/such/page?lang=en", keep_cookies=False).json()
    assert_eq(j["error"]["code"], "not_found")
    assert_eq(j["error"]["message"], "This page does not exist.")


def test_language_link_never_leaves_the_site(s):
    for path in ["//evil.example/x", "/\\evil.example/x", "/%2F%2Fevil.example"]:
        r = s.get(path, keep_cookies=False)
        assert_eq(r.status, 404, path)
        links = re.findall(r'class="lang" href="([^"]+)"', r.text)
        assert_eq(len(links), 1, "one language link")
        assert_eq(links[0], "/?lang=en", "the switch points home, not off-site")


def test_wrong_method_405_with_allow(s):
    r = s.request("DELETE", "/")
    assert_eq(r.status, 405)
    assert_in("GET", r.header("Allow"))
    r = s.request("PUT", "/subscribe", body=b"x")
    assert_eq(r.status, 405)
    assert_eq(r.header("Allow"), "POST")
    assert_eq(s.raw(b"BREW / HTTP/1.1\r\nHost: x\r\n\r\n")[9:12], "405", "unknown method")
    assert_eq(s.request("HEAD", "/").status, 200, "HEAD works like GET")


def test_limits_answer_with_the_right_status(s):
    assert_eq(s.raw(b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")[9:12], "414", "long URI")
    assert_eq(s.raw(b"GET /?q=" + b"a" * 4100 + b" HTTP/1.1\r\nHost: x\r\n\r\n")[9:12], "414", "long query")
    assert_eq(s.raw(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n")[9:12], "431",
              "huge header")
    many = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 100) for i in range(400))
    assert_eq(s.raw(b"GET / HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")[9:12], "431", "many headers")
    assert_eq(s.raw(b"POST /subscribe HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
                    b"\r\nContent-Length: 99999999\r\n\r\n")[9:12], "413", "declared body too large")
    chunk = b"10000\r\n" + b"a" * 0x10000 + b"\r\n"
    status = s.raw(b"POST /subscribe HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                   b"Transfer-Encoding: chunked\r\n\r\n" + chunk * 24 + b"0\r\n\r\n", send_slowly=True)
    assert_eq(status[9:12], "413", "chunked body past the limit")
    assert_eq(s.get("/").status, 200, "still serving")


def overflowing(i):
    """A request whose cookies (or, every tenth, query arguments) overflow
    libmicrohttpd's per-connection memory while staying under max_uri and
    max_header: libmicrohttpd closes it before pgherd's handler runs."""
    if i % 10 == 0:
        return ("GET /?%s HTTP/1.1\r\nHost: x\r\n\r\n" % "&".join("a%d=1" % n for n in range(600))).encode()
    return ("GET / HTTP/1.1\r\nHost: x\r\nCookie: %s\r\n\r\n" % "; ".join("c%d=v" % n for n in range(700))).encode()


def test_requests_libmicrohttpd_drops_free_everything(s):
    """Everything a request allocates is freed however its connection ends:
    5,000 requests that libmicrohttpd cuts off leave the release server's
    memory where it was (the sanitizer build's leak check covers the
    server these tests share), and each still gets its access-log line."""
    for i in range(20):
        s.raw(overflowing(i), read_timeout=0.5)
    release = os.path.join(ROOT, "build", "pgherd")
    srv = Server(release if os.path.exists(release) else s.binary, database=s.database,
                 extra_env={"PGHERD_CONN_TIMEOUT": "1", "PGHERD_THREADS": "2"})
    try:
        srv.start()

        def rss_kb():
            with open("/proc/%d/status" % srv.proc.pid) as f:
                return int(next(l for l in f if l.startswith("VmRSS:")).split()[1])

        def flood(n):
            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                list(pool.map(lambda i: srv.raw(overflowing(i), read_timeout=3), range(n)))

        flood(500)  # the allocator's own arenas settle
        before = rss_kb()
        flood(5000)
        after = rss_kb()
        assert after - before < 4096, "5,000 dropped requests grew the server from %d to %d KB" % (before, after)
        assert_eq(srv.get("/healthz").status, 200, "still serving")
        time.sleep(0.2)
        logged = len([l for l in srv.read_log().splitlines() if " access - " in l and l.endswith(" aborted")])
        assert logged >= 5500, "one access-log line per dropped request, got %d" % logged
    finally:
        code = srv.stop()
        srv.cleanup()
    assert_eq(code, 0, "exit code")


def test_malformed_requests_get_400_not_a_crash(s):
    cases = {
        b"GET /?q=%FF%FE HTTP/1.1\r\nHost: x\r\n\r\n": "400",
        b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n": "400",
        b"GET /%00secret HTTP/1.1\r\nHost: x\r\n\r\n": "400",
        b"GET / HTTP/1.1\r\n\r\n": "400",                      # HTTP/1.1 needs Host
        b"GET / HTTP/9.9\r\nHost: x\r\n\r\n": "505",
        b"GET / HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n": "400",
    }
    for req, want in cases.items():
        got = s.raw(req)
        assert_eq(got[9:12], want, repr(req[:40]))
    for junk in [b"\x00\x01\x02garbage\r\n\r\n", b"\r\n\r\n\r\n", b"GET\r\n\r\n", b"G" * 10000]:
        got = s.raw(junk)
        if got and got[9:12] not in ("400", "414", "431"):
            raise AssertionError("junk %r got %r" % (junk[:20], got))
    r = s.get("/?lang=%E4%B8%AD")  # valid UTF-8 that is no language: ignored
    assert_eq(r.status, 200)
    assert_eq(s.get("/healthz").status, 200, "still serving")


# ---- the subscription form: forms, CSRF, validation ----

def subscribe_headers(s):
    return {"Origin": "http://127.0.0.1:%d" % s.port}


def test_a_made_up_csrf_pair_is_refused(s):
    """Cookie and field agreeing is not enough: the token must be one this
    site made (a cookie set by a neighbouring site cannot choose it)."""
    chosen = "A" * 43
    r = s.request("POST", "/subscribe", body=("email=chosen%40example.com&_csrf=" + chosen).encode(),
                  headers=dict(subscribe_headers(s), **{"Content-Type": "application/x-www-form-urlencoded",
                                                         "Cookie": "csrf=" + chosen}), keep_cookies=False)
    assert_eq(r.status, 403)
    assert_eq(query(s, "SELECT count(*) FROM subscribers WHERE email = 'chosen@example.com'")[0][0], "0")


def test_form_without_csrf_token_is_refused(s):
    r = s.post_form("/subscribe", {"email": "nocsrf@example.com"}, headers=subscribe_headers(s))
    assert_eq(r.status, 403)
    assert_in("表单已过期", r.text)
    token = s.csrf()
    r = s.post_form("/subscribe", {"email": "forged@example.com", "_csrf": token[:-1] + ("y" if token.endswith("x") else "x")},
                    headers=subscribe_headers(s))
    assert_eq(r.status, 403, "wrong token")
    r = s.post_form("/subscribe", {"email": "cross@example.com", "_csrf": token},
                    headers={"Origin": "https://evil.example"})
    assert_eq(r.status, 403, "cross-site origin")
    # none of them was written: subscribing now is new, not "already"
    for email in ["nocsrf@example.com", "forged@example.com", "cross@example.com"]:
        r = s.post_form("/subscribe", {"email": email, "_csrf": token}, headers=subscribe_headers(s))
        assert_eq(r.header("Location"), "/?subscribed=1#join", email)


def test_subscribe_urlencoded_then_already(s):
    token = s.csrf()
    r = s.post_form("/subscribe", {"email": "  Li.Na@Example.COM ", "name": "李娜", "city": "1",
                                   "_csrf": token}, headers=subscribe_headers(s))
    assert_eq(r.status, 303)
    assert_eq(r.header("Location"), "/?subscribed=1#join")
    page = s.get("/?subscribed=1").text
    assert_in("订阅成功", page)
    r = s.post_form("/subscribe", {"email": "li.na@example.com", "_csrf": token}, headers=subscribe_headers(s))
    assert_eq(r.header("Location"), "/?subscribed=already#join", "same address, other case")


def test_subscribe_multipart(s):
    token = s.csrf()
    r = s.post_multipart("/subscribe", {"email": "multi@example.com", "name": "王强", "_csrf": token},
                         headers=subscribe_headers(s))
    assert_eq(r.status, 303, "multipart form accepted")
    r = s.post_multipart("/subscribe", {"email": "multi@example.com", "_csrf": token},
                         headers=subscribe_headers(s))
    assert_eq(r.header("Location"), "/?subscribed=already#join")


def test_bad_form_comes_back_refilled_with_errors(s):
    token = s.csrf()
    evil = "<script>alert(1)</script>"
    r = s.post_form("/subscribe", {"email": "not-an-email", "name": evil, "city": "99999",
                                   "_csrf": token}, headers=subscribe_headers(s))
    assert_eq(r.status, 422)
    assert_in('value="not-an-email"', r.text, "input kept")
    assert_in("这看起来不像电子邮箱地址", r.text, "message next to the field")
    assert_in("请从列表中选择城市", r.text)
    assert_in('aria-invalid="true"', r.text)
    assert evil not in r.text, "script rendered inert"
    r = s.post_form("/subscribe", {"email": "", "_csrf": token}, headers=subscribe_headers(s))
    assert_eq(r.status, 422)
    assert_in("请填写电子邮箱", r.text)
    r = s.post_form("/subscribe", {"email": "x@y.cn", "name": "名" * 65, "_csrf": token},
                    headers=subscribe_headers(s))
    assert_eq(r.status, 422, "name too long")
    # SQL metacharacters are data, not code
    sql = "o'brien\"--;DROP TABLE subscribers;@example.com"
    r = s.post_form("/subscribe", {"email": sql, "_csrf": token}, headers=subscribe_headers(s))
    assert_eq(r.status, 422)
    r = s.post_form("/subscribe", {"email": "ok@example.com", "name": "x'); DROP TABLE subscribers; --",
                                   "_csrf": token}, headers=subscribe_headers(s))
    assert_eq(r.status, 303)
    r = s.post_form("/subscribe", {"email": "ok@example.com", "_csrf": token}, headers=subscribe_headers(s))
    assert_eq(r.header("Location"), "/?subscribed=already#join", "the table is still there")


def test_bad_utf8_and_truncated_forms_write_nothing(s):
    token = s.csrf()
    h = dict(subscribe_headers(s), **{"Content-Type": "application/x-www-form-urlencoded"})
    r = s.request("POST", "/subscribe", body=b"email=bad%FFutf8%40example.com&_csrf=" + token.encode(), headers=h)
    assert_eq(r.status, 400)
    assert_in("UTF-8", s.request("POST", "/api/v1/subscribe?lang=en",
                                 body=b"email=%C0%AF%40x.cn&_csrf=" + token.encode(), headers=h).text)
    body = (b"--XX\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\ntrunc@example.com\r\n"
            b"--XX\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + token.encode() + b"\r\n--XX\r\nContent-Dis")
    r = s.request("POST", "/subscribe", body=body,
                  headers=dict(subscribe_headers(s), **{"Content-Type": "multipart/form-data; boundary=XX"}))
    assert_eq(r.status, 400, "truncated multipart")
    r = s.request("POST", "/subscribe", body=b"x", headers=dict(
        subscribe_headers(s), **{"Content-Type": "multipart/form-data"}))
    assert_eq(r.status, 400, "multipart without boundary")
    r = s.post_form("/subscribe", {"email": "trunc@example.com", "_csrf": token}, headers=subscribe_headers(s))
    assert_eq(r.header("Location"), "/?subscribed=1#join", "the truncated form wrote nothing")


def test_api_subscribe_with_header_token(s):
    token = s.csrf()
    h = dict(subscribe_headers(s), **{"X-CSRF-Token": token})
    r = s.post_form("/api/v1/subscribe?lang=en", {"email": "api@example.com"}, headers=h)
    assert_eq(r.status, 201)
    assert_eq(r.json(), {"subscribed": True, "already": False})
    r = s.post_form("/api/v1/subscribe?lang=en", {"email": "api@example.com"}, headers=h)
    assert_eq(r.status, 200)
    assert_eq(r.json()["already"], True)
    r = s.post_form("/api/v1/subscribe?lang=en", {"email": "nope"}, headers=h)
    assert_eq(r.status, 422)
    err = r.json()["error"]
    assert_eq(err["code"], "invalid")
    assert_in("email", err["fields"])


# ---- the operator's view ----

def test_access_log_has_one_line_per_request_in_microseconds(s):
    s.get("/healthz?probe=accesslog")
    time.sleep(0.2)
    lines = [l for l in s.read_log().splitlines() if "/healthz?probe=accesslog" in l]
    assert_eq(len(lines), 1, "one line")
    assert re.search(r" access GET /healthz\?probe=accesslog 200 \d+us$", lines[0]), lines[0]


def test_concurrent_requests_all_succeed(s):
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(lambda i: s.get("/" if i % 2 else "/api/v1/", keep_cookies=False).status,
                              range(200)))
    assert_eq(codes.count(200), 200, "all 200")


def test_cli_help_migrate_config_version(s):
    p = s.run("--help")
    out = p.stdout.decode()
    for cmd in ["serve", "migrate", "demo", "config", "version"]:
        assert_in(cmd, out)
        sub = s.run(cmd, "--help").stdout.decode()
        assert_in("Usage: pgherd " + cmd, sub)
    assert_in("PGHERD_DATABASE", s.run("serve", "--help").stdout.decode())
    # A command lists only the settings it reads.
    migrate = s.run("migrate", "--help").stdout.decode()
    assert_in("PGHERD_DATABASE", migrate)
    for unused in ("PGHERD_LISTEN", "PGHERD_SMTP_URL", "PGHERD_THREADS"):
        assert unused not in migrate, "migrate --help lists %s" % unused
    assert "PGHERD_" not in s.run("routes", "--help").stdout.decode(), "routes reads no setting"
    assert_in("0 migrations applied", s.run("migrate").stdout.decode())
    assert_in("nothing added", s.run("demo").stdout.decode())
    v = s.run("version").stdout.decode()
    assert re.match(r"pgherd \d+\.\d+\.\d+", v), v
    bad = s.run("serve", "--threads", "lots", check=False)
    assert_eq(bad.returncode, 2)
    assert_in("threads", bad.stderr.decode())
    unknown = s.run("fly", check=False)
    assert_eq(unknown.returncode, 2)
    assert_in("unknown command 'fly'", unknown.stderr.decode())


def test_config_precedence_and_masking(s):
    conf = os.path.join(s.dir, "pgherd.conf")
    with open(conf, "w") as f:
        f.write("# test\nlisten = 127.0.0.1:7001\nmax_body = 2M\ndatabase = postgres://u:topsecret@h/db\n")
    env_before = dict(s.env)
    s.env.pop("PGHERD_LISTEN")
    s.env.pop("PGHERD_DATABASE")
    s.env["PGHERD_MAX_BODY"] = "3M"
    try:
        out = s.run("config", "--max-body", "4M").stdout.decode()
    finally:
        s.env = env_before
        os.remove(conf)
    assert "topsecret" not in out, "password masked"
    assert_in("postgres://u:****@h/db", out)
    assert re.search(r"listen\s+= 127.0.0.1:7001\s+# file pgherd.conf:2", out), out
    assert re.search(r"max_body\s+= 4M\s+# flag --max-body", out), out


def test_dev_mode_reloads_templates(s):
    src = os.path.join(s.dir, "src-copy")
    shutil.copytree(os.path.join(ROOT, "templates"), os.path.join(src, "templates"))
    shutil.copytree(os.path.join(ROOT, "po"), os.path.join(src, "po"))
    dev = Server(s.binary, database=s.database, extra_env={"PGHERD_DEV": "on", "PGHERD_SOURCE_DIR": src})
    try:
        dev.start()
        assert_in("近期活动", dev.get("/").text)
        path = os.path.join(src, "templates", "home", "index.html")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace("<h2>{{_ home.upcoming}}</h2>", "<h2>RELOADED {{_ home.upcoming}}</h2>"))
        assert_in("RELOADED 近期活动", dev.get("/").text)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text + "{{#broken}}")
        r = dev.get("/")
        assert_eq(r.status, 500, "a broken template is a 500 page, not a crash")
        assert_eq(dev.get("/healthz").status, 200)
    finally:
        code = dev.stop()
        dev.cleanup()
    assert_eq(code, 0, "dev server exit code")


def test_over_capacity_answers_503_and_slow_clients_time_out(s):
    busy = Server(s.binary, database=s.database, extra_env={"PGHERD_MAX_CONNECTIONS": "3",
                                                              "PGHERD_CONN_TIMEOUT": "2"})
    import socket
    held = []
    try:
        busy.start()
        for _ in range(3):
            held.append(socket.create_connection(("127.0.0.1", busy.port)))
        time.sleep(0.3)
        r = busy.get("/", keep_cookies=False)
        assert_eq(r.status, 503)
        assert_eq(r.header("Retry-After"), "5")
        for c in held:
            c.close()
        held = []
        time.sleep(0.3)
        assert_eq(busy.get("/", keep_cookies=False).status, 200, "served again once load drops")
        slow = socket.create_connection(("127.0.0.1", busy.port))
        slow.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # never finishes its headers
        slow.settimeout(10)
        t0 = time.time()
        try:
            got = slow.recv(100)
        except (ConnectionResetError, socket.timeout):
            got = b""
        waited = time.time() - t0
        slow.close()
        assert_eq(got, b"", "a slow client is dropped")
        assert 1.0 < waited < 8, "dropped after conn_timeout, waited %.1fs" % waited
    finally:
        for c in held:
            c.close()
        code = busy.stop()
        busy.cleanup()
    assert_eq(code, 0, "exit code")


def test_a_second_server_on_a_port_in_use_refuses_to_start(s):
    import subprocess
    env = dict(s.env, PGHERD_LISTEN="127.0.0.1:%d" % s.port)
    p = subprocess.run([s.binary, "serve"], env=env, cwd=s.dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    assert p.returncode != 0, "it must not start beside the running server"
    assert_in("port is in use", p.stderr.decode())
    assert_eq(s.get("/healthz").status, 200, "the first server keeps serving")


def test_database_outage_is_503_then_recovers(s):
    """PostgreSQL only: the database stops under a running server."""
    pgdir = os.environ.get("PGHERD_TEST_PG_DIR")
    if not s.database.startswith("postgres"):
        return
    assert pgdir, "PGHERD_TEST_PG_DIR names the test server's folder"
    import subprocess
    script = os.path.join(ROOT, "scripts", "pg-test-server.sh")
    assert_eq(s.get("/").status, 200)
    subprocess.run([script, "pause", pgdir], check=True)
    try:
        r = s.get("/", keep_cookies=False)
        assert_eq(r.status, 503, "page while the database is down")
        assert_eq(r.header("Retry-After"), "5")
        assert_in("服务暂时不可用", r.text)
        h = s.get("/healthz")
        assert_eq(h.status, 503)
        assert_eq(h.json()["status"], "unavailable")
        # A page whose handler fails after its inputs were read (the
        # failure's page was once made outside the request's memory and
        # the inputs then freed wrongly: a crash).
        for path in ("/search?q=%E5%88%86%E5%8C%BA", "/orgs?q=x", "/events?page=1"):
            r = s.get(path, keep_cookies=False)
            assert_eq(r.status, 503, path + " while the database is down")
            assert_in("服务暂时不可用", r.text)
    finally:
        subprocess.run([script, "resume", pgdir], check=True)
    deadline = time.time() + 10
    while s.get("/", keep_cookies=False).status != 200 and time.time() < deadline:
        time.sleep(0.2)
    codes = [s.get("/", keep_cookies=False).status for _ in range(20)]
    assert_eq(codes, [200] * 20, "every thread serves again once the database is back")


def test_a_server_that_watches_postgres_sees_every_commit(s):
    """PostgreSQL watches its commits by default (pg_watch): a second
    server on the same database serves kept pages and known sessions
    without asking, yet its own commits show at once, another program's
    or server's a moment later, and a member's own write through another
    server at once (the answer to a write leaves a short-lived cookie)."""
    if not s.database.startswith("postgres"):
        return
    w = Server(s.binary, database=s.database)
    w.start()
    try:
        deadline = time.time() + 5
        while "database watch: listening" not in w.read_log():
            assert time.time() < deadline, "the second server listens"
            time.sleep(0.05)
        watch = w.get("/healthz").json()["watch"]
        assert_eq(watch["state"], "listening", "healthz says the watch listens")
        off = Server(s.binary, database=s.database, extra_env={"PGHERD_PG_WATCH": "off"})
        off.start()
        try:
            assert "watch" not in off.get("/healthz").json(), "pg_watch off: no watch"
        finally:
            off.stop()
            off.cleanup()

        def soon(check, what):
            deadline = time.time() + 5
            while not check():
                assert time.time() < deadline, what
                time.sleep(0.05)
        # Its own commit, at once: a member signs up there and sees their name.
        p = Person(w)
        email = "watch-%d@example.com" % os.getpid()
        assert_eq(p.signup(email, name="监听会员").status, 303)
        assert_in("监听会员", p.get("/account").text)
        # Another program's commit: an event on the home page renamed by SQL.
        home = Person(w).get("/").text
        rows = [r for r in query(s, "SELECT id, title_zh FROM events") if r[1] in home]
        assert rows, "an event on the home page"
        eid, title = rows[0]
        Person(w).get("/")  # kept now
        sql(s, "UPDATE events SET title_zh = '监听测试沙龙' WHERE id = %s" % eid)
        soon(lambda: "监听测试沙龙" in Person(w).get("/").text, "the watching server shows the new title")
        sql(s, "UPDATE events SET title_zh = '%s' WHERE id = %s" % (title.replace("'", "''"), eid))
        soon(lambda: "监听测试沙龙" not in Person(w).get("/").text, "and the old one back")
        # A write answers with the cookie that asks every server for the
        # database's own rows for a few seconds; reads do not.
        for name in ("fresh",):
            p.cookies.pop(name, None)
            p.cookie_until.pop(name, None)
        read = p.get("/account")
        assert not [c for c in read.all_headers("Set-Cookie") if c.startswith("fresh=")], "a read sets no cookie"
        wrote = p.post("/account/profile", {"name": "监听会员"})
        fresh = [c for c in wrote.all_headers("Set-Cookie") if c.startswith("fresh=")]
        assert fresh and "Max-Age=5" in fresh[0] and "HttpOnly" in fresh[0], wrote.all_headers("Set-Cookie")
        p.cookies.pop("fresh", None)
        p.get("/account")
        p.get("/account")  # the session is known now: no statement for it
        # A change no server is told of (the session runs without
        # triggers): what the watching server knows stands...
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", s.database, "-c",
                        "SET session_replication_role = replica; "
                        "UPDATE users SET display_name = '悄悄改名', cache_version = cache_version + 1 "
                        "WHERE email = '%s'" % email],
                       check=True, stdout=subprocess.DEVNULL)
        assert_in("监听会员", p.get("/account").text, "nothing heard: the known session stands")
        # ...until the member wrote a moment ago (through either server).
        p.cookies["fresh"] = "1"
        assert_in("悄悄改名", p.get("/account").text, "a member who just wrote reads the database")
        sql(s, "UPDATE users SET display_name = '监听会员' WHERE email = '%s'" % email)
        # The other server's commit: signed out there, the session ends here too.
        p.cookies.pop("fresh", None)
        other = Person(s)
        other.cookies = dict(p.cookies)
        assert_eq(other.post("/logout", {}).status, 303)
        soon(lambda: "监听会员" not in p.get("/account").text, "a session ended on the other server ends here")
    finally:
        code = w.stop()
        w.cleanup()
    assert_eq(code, 0, "the watching server exited cleanly")


def test_pages_are_compressed_for_clients_that_take_gzip(s):
    """Pages (kept ones too, with each visitor's own token inside), the API
    and CSS go gzip-compressed to a client that asks; images do not; a
    client that does not ask gets plain text."""
    import gzip
    import re as _re
    p = Person(s)
    plain = p.get("/")
    assert plain.header("Content-Encoding") is None
    for i in range(3):  # missed, missed (now kept), then from the cache
        r = p.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
        assert_eq(r.header("Content-Encoding"), "gzip", "try %d" % i)
        assert_in("Accept-Encoding", r.header("Vary"))
        page = gzip.decompress(r.body).decode()
        assert_in("<html", page)
        assert len(r.body) < len(page) / 2, "%d of %d bytes" % (len(r.body), len(page))
        token = _re.search(r'name="_csrf" value="([^"]+)"', page)
        assert token and token.group(1) == p.cookies.get("csrf"), "the visitor's own token is in the page"
    assert_eq(page, plain.text, "the same page either way")
    other = Person(s)
    other.get("/")
    theirs = gzip.decompress(other.get("/", headers={"Accept-Encoding": "gzip"}).body).decode()
    assert_in('value="%s"' % other.cookies.get("csrf"), theirs, "a kept page carries each visitor's token")
    css = p.get("/static/app.css", headers={"Accept-Encoding": "gzip"})
    assert_eq(css.header("Content-Encoding"), "gzip")
    assert_in("body", gzip.decompress(css.body).decode())
    api = p.get("/api/v1/events", headers={"Accept-Encoding": "gzip"})
    if len(api.body) > 1024 or api.header("Content-Encoding"):
        assert_eq(api.header("Content-Encoding"), "gzip")
        gzip.decompress(api.body)
    icon = p.get("/static/card.png", headers={"Accept-Encoding": "gzip"})
    assert_eq((icon.status, icon.header("Content-Encoding")), (200, None), "images are compressed already")
    refused = p.get("/", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert refused.header("Content-Encoding") is None


def test_a_page_without_a_form_is_one_answer_for_everyone(s):
    """A kept page with no form (no visitor's token in it) and a static
    file are answered from one response made once: every reader gets the
    same bytes and headers, none gets a cookie meant for another, a change
    of the data is seen at once, HEAD says the same, and a reader whose
    answer needs a cookie (a language chosen by link) still gets it."""
    import gzip

    def headers_of(r):
        return sorted((k, v) for k, v in r.headers if k.lower() != "date")

    path = "/orgs"
    for _ in range(2):  # missed, missed (now kept)
        s.get(path, keep_cookies=False)
    first = s.get(path, keep_cookies=False)
    assert_eq(first.status, 200)
    assert "_csrf" not in first.text, "the directory has no form that needs a token"
    for _ in range(3):
        again = s.get(path, keep_cookies=False)
        assert_eq(again.body, first.body)
        assert_eq(headers_of(again), headers_of(first), "the same headers for every reader")
        assert_eq(again.all_headers("Set-Cookie"), [], "no one's cookie")
    z = [s.get(path, headers={"Accept-Encoding": "gzip"}, keep_cookies=False) for _ in range(3)]
    assert_eq(z[0].header("Content-Encoding"), "gzip")
    assert_eq(gzip.decompress(z[0].body), first.body, "the gzip copy is the page")
    assert_eq(z[1].body, z[2].body)
    assert_eq(z[2].all_headers("Set-Cookie"), [])
    head = s.request("HEAD", path, keep_cookies=False)
    assert_eq((head.status, head.body, head.header("Content-Length")),
              (200, b"", str(len(first.body))), "HEAD answers the same, without the body")
    # English by link sets the language cookie: its own answer, not the shared one.
    en = s.get(path + "?lang=en", keep_cookies=False)
    assert_in("lang=en", " ".join(en.all_headers("Set-Cookie")))
    assert_eq(en.header("Content-Language"), "en")
    again = s.get(path, keep_cookies=False)
    assert_eq(again.header("Content-Language"), "zh-CN", "the shared Chinese answer is untouched")
    # A change through the database is seen on the next request.
    name = query(s, "SELECT name_zh FROM orgs ORDER BY id LIMIT 1")[0][0]
    sql(s, "UPDATE orgs SET name_zh = '新名字会员单位' WHERE name_zh = '%s'" % name.replace("'", "''"))
    try:
        changed = s.get(path, keep_cookies=False).text
        assert_in("新名字会员单位", changed)
    finally:
        sql(s, "UPDATE orgs SET name_zh = '%s' WHERE name_zh = '新名字会员单位'" % name.replace("'", "''"))
    # A static file: one response for every reader, its ETag and caching kept.
    css = [s.get("/static/app.css", headers={"Accept-Encoding": "gzip"}, keep_cookies=False) for _ in range(2)]
    assert_eq(css[0].body, css[1].body)
    assert_eq(headers_of(css[0]), headers_of(css[1]))
    assert css[0].header("ETag"), "an ETag"
    same = s.get("/static/app.css", headers={"If-None-Match": css[0].header("ETag")}, keep_cookies=False)
    assert_eq(same.status, 304)


def test_pages_carry_a_link_card(s):
    """Open Graph: a title, a description of the page's own and a raster
    picture at an absolute address; an event's address opens a map."""
    home = Person(s).get("/").text
    for prop in ["og:title", "og:description", "og:url", "og:image"]:
        assert_in('property="%s"' % prop, home)
    image = _re_search(r'property="og:image" content="([^"]+)"', home)
    assert image.startswith("http") and image.endswith("/static/card.png"), image
    assert_eq(Person(s).get("/static/card.png").header("Content-Type"), "image/png")
    ev = _re_search(r'href="/events/(\d+)"', home)
    page = Person(s).get("/events/" + ev).text
    desc = _re_search(r'property="og:description" content="([^"]+)"', page)
    assert_in("·", desc)
    assert desc != _re_search(r'property="og:description" content="([^"]+)"', home), "the event's own description"
    where = query(s, "SELECT id FROM events WHERE address <> '' AND status <> 'draft' ORDER BY id LIMIT 1")
    if not where:
        sql(s, "UPDATE events SET address = '长安街 1 号' WHERE id = %s" % ev)
        where = [(ev,)]
    page = Person(s).get("/events/%s?lang=zh" % where[0][0]).text
    assert_in("https://uri.amap.com/search?keyword=", page, "the address opens a map")
    en = Person(s).get("/events/%s?lang=en" % where[0][0]).text
    assert_in("https://www.openstreetmap.org/search?query=", en)


def test_an_event_without_a_cover_gets_a_card_drawn_for_it(s):
    """Item 29: a shared event page shows a picture of its own: the
    cover, or a card drawn from its title, when and where, in the page's
    language, at an address that changes when the event does."""
    import subprocess
    from images import image_size
    ev = query(s, "SELECT id FROM events WHERE status <> 'draft' AND cover_file_id IS NULL ORDER BY id LIMIT 1")[0][0]
    image = lambda lang: html.unescape(_re_search(r'property="og:image" content="([^"]+)"',
                                                  Person(s).get("/events/%s?lang=%s" % (ev, lang)).text))
    zh, en = image("zh"), image("en")
    assert zh.startswith("http") and "/events/%s/card?lang=zh&v=" % ev in zh, zh
    path = lambda url: url[url.index("/events/"):]
    assert_in("/events/%s/card?lang=en&v=" % ev, en)
    assert zh.split("v=")[1] != en.split("v=")[1], "each language has its own card"
    cards = {}
    for lang, url in (("zh", zh), ("en", en)):
        r = Person(s).get(path(url))
        assert_eq(r.status, 200)
        assert r.header("Content-Type") in ("image/jpeg", "image/png"), r.header("Content-Type")
        assert_eq(image_size(r.body), (1200, 630), "Open Graph's large card")
        assert_eq(r.all_headers("Set-Cookie"), [], "a picture sets no language for its reader")
        assert_in("public", r.header("Cache-Control"))
        cards[lang] = r.body
    assert cards["zh"] != cards["en"], "the English card is drawn in English"
    sql(s, "UPDATE events SET title_zh = title_zh || '（改期）' WHERE id = %s" % ev)
    moved = image("zh")
    assert moved != zh, "a changed title is a new address, so chat apps fetch it again"
    again = Person(s).get(path(moved))
    assert_eq(again.status, 200)
    assert again.body != cards["zh"], "drawn with the new title"
    # A draft's card is as hidden as its page; an event's cover is its picture.
    draft = query(s, "SELECT id FROM events WHERE status = 'draft' ORDER BY id LIMIT 1")
    if not draft:
        sql(s, "UPDATE events SET status = 'draft' WHERE id = (SELECT max(id) FROM events)")
        draft = query(s, "SELECT id FROM events WHERE status = 'draft' ORDER BY id LIMIT 1")
    assert_eq(Person(s).get("/events/%s/card?lang=zh" % draft[0][0]).status, 404)
    assert_eq(Person(s).get("/events/999999/card").status, 404)
    # Without a font the pages share the community's card; a font named in
    # the settings that cannot be read stops the server with a reason.
    plain = Server(s.binary, database=s.database, extra_env={"PGHERD_CARD_FONT": "off"})
    try:
        plain.start()
        page = plain.get("/events/%s" % ev, keep_cookies=False).text
        assert _re_search(r'property="og:image" content="([^"]+)"', page).endswith("/static/card.png")
        assert_eq(plain.get("/events/%s/card" % ev, keep_cookies=False).status, 404)
    finally:
        code = plain.stop()
        plain.cleanup()
    assert_eq(code, 0)
    env = dict(s.env, PGHERD_CARD_FONT="/nonexistent/font.ttc", PGHERD_LISTEN="127.0.0.1:0")
    p = subprocess.run([s.binary, "serve"], env=env, cwd=s.dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    assert p.returncode != 0, "a font that is not there is a mistake in the settings"
    assert_in("card_font /nonexistent/font.ttc", p.stderr.decode())


def _re_search(pattern, text):
    import re as _re
    m = _re.search(pattern, text)
    assert m, pattern
    return m.group(1)


if __name__ == "__main__":
    from harness import run_suite
    sys.exit(run_suite("http", [v for k, v in list(globals().items()) if k.startswith("test_")]))

"""bench.py: `make bench`. Measures pgherd with wrk on loopback and appends
the figures to bench/RESULTS.md.

The ceiling is a bare libmicrohttpd server (bench/bare.c: the same daemon
options and thread count, a fixed 1 KB answer, nothing else), measured at
the start of the run and again at the end. Every page is reported as a
share of the higher of the two, with p99 latency at 64 connections and the
server's peak RSS; pgherd's own /_bench/1k (the same 1 KB through pgherd's
router, headers and logging) shows pgherd's overhead. Every figure comes
from this run on this machine; absolute numbers drift between machines and
between runs, the share is what the targets are about."""
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "http"))
from harness import Server  # noqa: E402

DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
OWN = "pgherd /_bench/1k (its own overhead)"
CACHED = (0.60, 15.0)     # visitors' pages, kept
SIGNED_IN = (0.30, 15.0)  # members' pages and API reads
TARGETS = {  # page: (min share of the bare server, max p99 ms), on SQLite; PostgreSQL: SIGNED_IN pages >= 20%
    OWN: (0.85, 15.0),
    "home": CACHED,
    "orgs, 10k, first page": CACHED,
    "event page, 10-item agenda, 300 registrations": CACHED,
    "past salon page: 35 organizations, 9 talks, replays, slides": CACHED,
    "orgs search, 338 rotating queries": CACHED,
    "orgs search, a new query each request": (0.25, 15.0),
    "profile page, signed in": SIGNED_IN,
    "account page (sessions, tokens), signed in": SIGNED_IN,
    "directory (orgs), signed in": SIGNED_IN,
    "event page, signed in": SIGNED_IN,
    "event page as API JSON, signed in": SIGNED_IN,
    "event page, gzip (as phones ask)": CACHED,
    "event page, signed in, gzip": SIGNED_IN,
    "past salon page, signed in": SIGNED_IN,
    "article page, 20 comments": SIGNED_IN,
    "article page, 20 comments, signed in": SIGNED_IN,
    "articles feed (Atom)": (0.40, 15.0),
    "search, 20,000 pieces, a new two-character query each request": (0.25, 15.0),
    "search, 20,000 pieces, a new four-character query each request": (0.25, 15.0),
    "search, 20,000 pieces, a new English query each request": (0.25, 15.0),
    "wish wall, 10,000 wishes, 1,000,000 votes: trending": SIGNED_IN,
    "wish wall: top": SIGNED_IN,
    "wish wall: trending, signed in": SIGNED_IN,
    "wish wall: top, signed in": SIGNED_IN,
    "wish wall: one kind and status": (0.25, 15.0),
    "wish wall: what DBAs at banks want": (0.25, 15.0),
    "wish wall: what DBAs at banks want, signed in": (0.25, 15.0),
    "wish page, 50 comments": SIGNED_IN,
    "wish page, 50 comments, signed in": SIGNED_IN,
}
VOTE_BURST_LIMIT_S = {"sqlite": 1.0, "postgres": 2.0}  # 2,000 members vote for one wish
PG_SIGNED_IN = 0.20
SALONS_2018 = os.path.join(ROOT, "examples", "salons-2018.json")
BURST_LIMIT_S = {"sqlite": 2.0, "postgres": 3.0}  # 5,000 members, 300 seats, whole burst answered

# 10,000 organizations in one statement that both engines understand.
SEED = """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO orgs (name_zh, name_en, category, industry, city_id, created_at, search_text)
SELECT '示例' || i || '号数据科技公司', 'Example Data Co ' || i, 'user', 'software', 1 + (i % 10), {created},
       lower('示例' || i || '号数据科技公司 Example Data Co ' || i) FROM n"""


WRK_ERRORS = []  # what wrk reported besides figures, run by run


def to_ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    n = float(m.group(1))
    return n / 1000 if m.group(2) == "us" else n * 1000 if m.group(2) == "s" else n


# What the benchmark's clients say they are: a phone in WeChat, as most of
# the community's readers are, so their page views count as a visitor's.
PHONE_UA = ("User-Agent: Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44 NetType/WIFI Language/zh_CN")


def wrk(url, headers=(), script=None, args=(), connections=None):
    cmd = ["wrk", "-t1", "-c%d" % (connections or CONNECTIONS), "-d" + DURATION, "--latency"]
    for h in list(headers) + ([] if any(h.lower().startswith("user-agent:") for h in headers) else [PHONE_UA]):
        cmd += ["-H", h]
    if script:
        cmd += ["-s", os.path.join(HERE, script)]
    cmd.append(url)
    if args:
        cmd += ["--"] + list(args)
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=True,
                         timeout=300).stdout.decode()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = to_ms(re.search(r"\s99%\s+([\d.]+\w+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if errors or socket_errors:
        # Kept and reported under the table (and as a missed target), not
        # fatal: one bad run must not throw away every other figure.
        sys.stderr.write("wrk saw errors for %s:\n%s" % (url, out))
        WRK_ERRORS.append("%s: %s" % (url.split("/", 3)[-1], "; ".join(
            m.group(0) for m in (errors, socket_errors) if m)))
    return rps, p99


def peak_rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def seed_orgs(server):
    """Fills the directory to 10,000+ organizations, as another process would."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "http"))
    from harness import sql
    t0 = time.time()
    pg = server.database.startswith("postgres")
    sql(server, SEED.replace("{created}", "now()" if pg else "strftime('%s', 'now')"))
    took = time.time() - t0
    if pg:
        # What autovacuum does within a minute of 10,000 new rows: merge
        # the trigram index's pending list (until then every search reads
        # 300 pages of it: 3.7 ms, against 0.08 ms after) and count the
        # rows for the planner (until then it scans the table). The rows
        # measure the directory as it runs, not the minute after a load.
        sql(server, "VACUUM ANALYZE orgs")
    return took


# 10,000 published articles and 10,000 knowledge-base entries by the
# benchmark's first member, each with its own number in its text.
ARTICLES = """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO articles (kind, status, title_zh, title_en, summary_zh, body_zh, created_by, created_at, updated_at, publish_at)
SELECT 'article', 'published', '第' || i || '篇：分区表与索引的实践', 'Partitioning and BRIN indexes, part ' || i,
       '逻辑复制延迟从秒级降到毫秒级别', '我们在第' || i || '个项目里用了 BRIN 索引和逻辑复制（replication），'
       || '延迟从秒级降到毫秒级别。autovacuum 与 vacuum 的参数也调了。', 1, {created}, {created}, {created} FROM n"""
KB = """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO kb_entries (question_zh, answer_zh, created_at, updated_at)
SELECT '问题' || i || '：autovacuum 为什么不回收空间？', '先检查长事务和复制槽（replication slot），第' || i
       || '条经验：latency 高时看 pg_stat_activity。', {created}, {created} FROM n"""


# 10,000 wishes by the benchmark's first member, and 1,000,000 votes from
# 100,000 members (each voting for ten wishes), written as another process
# would; the counts are set from the votes, as the server keeps them.
WISHES = """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO wishes (user_id, kind, lang, title, body, status, created_at, active_at)
SELECT 1, CASE i % 6 WHEN 0 THEN 'kernel' WHEN 1 THEN 'extension' WHEN 2 THEN 'tool' WHEN 3 THEN 'docs'
       WHEN 4 THEN 'vendor' ELSE 'community' END, 'zh', '第' || i || '个愿望：希望 PostgreSQL 支持在线修改分区键',
       '现在只能重建表。', CASE i % 5 WHEN 0 THEN 'review' WHEN 1 THEN 'forwarded' ELSE 'new' END, {at}, {at} FROM n"""
# 40 organizations, each of a category and an industry, and the voters
# spread over them and over the six job roles, so "what DBAs at banks
# want" has voters to count.
ORGS = """WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 39)
INSERT INTO orgs (name_zh, category, industry, created_at)
SELECT '投票机构' || i, CASE i % 4 WHEN 0 THEN 'user' WHEN 1 THEN 'cloud' WHEN 2 THEN 'db_vendor' ELSE 'integrator' END,
       CASE i % 5 WHEN 0 THEN 'bank' WHEN 1 THEN 'telecom' WHEN 2 THEN 'internet' WHEN 3 THEN 'government' ELSE 'energy' END,
       {now} FROM n"""
VOTERS = """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000),
  o AS (SELECT min(id) AS first FROM orgs WHERE name_zh LIKE '投票机构%')
INSERT INTO users (email, display_name, role, lang, created_at, job_role, org_id)
SELECT 'voter' || i || '@bench.example', '投票人' || i, 'member', 'zh', {now},
       CASE i % 6 WHEN 0 THEN 'developer' WHEN 1 THEN 'dba' WHEN 2 THEN 'architect' WHEN 3 THEN 'decision_maker'
       WHEN 4 THEN 'student' ELSE 'other' END, o.first + i % 40 FROM n, o"""
# Each vote keeps who cast it, as the server's votes do.
VOTES = """WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999),
  w AS (SELECT min(id) AS first FROM wishes), u AS (SELECT min(id) AS first FROM users WHERE email LIKE 'voter%@bench.example')
INSERT INTO wish_votes (wish_id, user_id, created_at)
SELECT w.first + ((i / 100000) * 997 + (i % 100000) * 7) % 10000, u.first + i % 100000, {now} FROM n, w, u"""
WHO = {"sqlite": """UPDATE wish_votes SET job_role = coalesce((SELECT u.job_role FROM users u WHERE u.id = wish_votes.user_id), ''),
  org_category = coalesce((SELECT o.category FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = wish_votes.user_id), ''),
  org_industry = coalesce((SELECT o.industry FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = wish_votes.user_id), '')""",
       "postgres": """UPDATE wish_votes v SET job_role = coalesce(u.job_role, ''), org_category = coalesce(o.category, ''),
  org_industry = coalesce(o.industry, '') FROM users u LEFT JOIN orgs o ON o.id = u.org_id WHERE u.id = v.user_id"""}
def seed_wishes(server):
    """The wall at the size the issue names, and a wish with 50 comments;
    returns that wish's id and the seconds the seeding took."""
    from harness import query, sql
    pg = server.database.startswith("postgres")
    now = "now()" if pg else "strftime('%s', 'now')"
    # Posted over the last 200 days, so trending has ages to weigh.
    at = "now() - i * interval '30 minutes'" if pg else "strftime('%s', 'now') - i * 1800"
    t0 = time.time()
    engine = "postgres" if pg else "sqlite"
    sql(server, WISHES.replace("{at}", at))
    sql(server, ORGS.replace("{now}", now))
    sql(server, VOTERS.replace("{now}", now))
    sql(server, VOTES.replace("{now}", now))
    sql(server, WHO[engine])
    # The counts the server keeps beside the votes (each wish's votes, its
    # trending weight, its votes by who cast them), counted by the server's
    # own code as after any load of votes.
    server.run("wishes", "recount")
    if pg:
        sql(server, "VACUUM ANALYZE wishes")
        sql(server, "VACUUM ANALYZE wish_votes")
        sql(server, "VACUUM ANALYZE wish_segments")
    took = time.time() - t0
    wish = int(query(server, "SELECT max(id) FROM wishes")[0][0])
    for i in range(50):
        sql(server, "INSERT INTO comments (target_kind, target_id, page, user_id, body, status, created_at) VALUES "
                    "('wish', %d, '/wishes/%d', 1, '第 %d 条评论：我们也需要这个。', 'visible', %s)" % (wish, wish, i + 1, now))
    return wish, took


def vote_burst(server, label, rows):
    """2,000 members vote for one wish at once: answered in time, exact."""
    from harness import query
    from test_rush import members
    wish = int(query(server, "INSERT INTO wishes (user_id, kind, lang, title, created_at, active_at) VALUES "
                             "(1, 'kernel', 'zh', '两千人同时投票的愿望', %s, %s) RETURNING id"
                     % (("now()", "now()") if server.database.startswith("postgres") else ("0", "0")))[0][0])
    path, _ = members(server, 2000, "votes")
    env = dict(os.environ, BURST_CSRF=server.csrf(), BURST_TARGET="wishes/vote")
    p = subprocess.run([os.path.join(ROOT, "build", "burst"), str(wish), path, str(CONNECTIONS),
                        os.path.join(server.dir, "acked-votes.txt"), "http://127.0.0.1:%d" % server.port],
                       stdout=subprocess.PIPE, check=True, timeout=600, env=env)
    out = json.loads(p.stdout.decode())
    counted = tuple(int(x) for x in query(server, "SELECT votes, (SELECT count(*) FROM wish_votes WHERE wish_id = %d) "
                                                  "FROM wishes WHERE id = %d" % (wish, wish))[0])
    ok = out["status"] == {"303": 2000} and counted == (2000, 2000)
    limit = VOTE_BURST_LIMIT_S[label]
    verdict = "%s (answered < %g s, counted exactly)" % ("met" if ok and out["elapsed_s"] < limit else "MISSED", limit)
    rows.append((label, "vote burst: 2,000 members vote for one wish: %.2f s, counted %d of %d, answers %s"
                 % (out["elapsed_s"], counted[0], counted[1], out["status"]), out["per_s"], out["p99_ms"], None,
                 ("burst", verdict, ok and out["elapsed_s"] < limit)))


def seed_content(server):
    """20,000 pieces to search, and an article with 20 comments; returns
    the article's id and the seconds the search took to index them."""
    from harness import query, sql
    created = "now()" if server.database.startswith("postgres") else "strftime('%s', 'now')"
    sql(server, ARTICLES.replace("{created}", created))
    sql(server, KB.replace("{created}", created))
    article = int(query(server, "SELECT max(id) FROM articles")[0][0])
    for i in range(20):
        sql(server, "INSERT INTO comments (target_kind, target_id, page, user_id, body, status, created_at) VALUES "
                    "('article', %d, '/articles/%d', 1, '第 %d 条评论：很有用，谢谢分享。', 'visible', %s)"
            % (article, article, i + 1, created))
    t0 = time.time()
    base = "http://127.0.0.1:%d" % server.port
    subprocess.run(["curl", "-s", "-o", "/dev/null", base + "/search?q=%E5%88%86%E5%8C%BA"], check=True)
    return article, time.time() - t0


def signed_in_cookie(server, email="bench@example.com"):
    from harness import Person
    p = Person(server)
    p.signup(email, name="压测会员")
    return "sid=%s; csrf=%s" % (p.cookies["sid"], p.cookies["csrf"])


def event_with_agenda(server):
    """An open event with a 10-item agenda, and 300 members registered
    through the real registration path."""
    from harness import query
    from test_rush import burst, members, open_event
    event = open_event(server, 400)
    pg = server.database.startswith("postgres")
    start = int(query(server, "SELECT %s FROM events WHERE id = %d"
                      % ("extract(epoch FROM starts_at)::bigint" if pg else "starts_at", event))[0][0])
    kinds = ["signin", "opening", "talk", "talk", "talk", "break", "case", "debate", "photo", "prize"]
    t = "to_timestamp(%d)" if pg else "%d"
    for i, kind in enumerate(kinds):
        item = int(query(server, "INSERT INTO event_items (event_id, starts_at, ends_at, kind, title) VALUES "
                                 "(%d, %s, %s, '%s', '议程第 %d 项：PostgreSQL 实践') RETURNING id"
                         % (event, t % (start + i * 2700), t % (start + i * 2700 + 2400), kind, i + 1))[0][0])
        query(server, "INSERT INTO item_speakers (item_id, pos, name, org_id, org_name) VALUES "
                      "(%d, 0, '讲者%d', 1, '阿里巴巴')" % (item, i))
    path, _ = members(server, 300, "page")
    out, acked = burst(server, os.path.join(ROOT, "build", "burst"), event, path,
                       ["http://127.0.0.1:%d" % server.port])
    assert len(acked) == 300, out
    return event


def imported_2018(server, label, rows):
    """Imports the community's 2018 salons and gives the Nanjing salon (35
    attending organizations, 9 talks, 3 replays) its slides as a PDF."""
    from harness import query
    t0 = time.time()
    out = server.run("import", "events", SALONS_2018, "--series", "salon").stdout.decode()
    wall = time.time() - t0
    inside = float(re.search(r"read in ([0-9.]+) s", out).group(1))
    rows.append((label, "import of salons-2018.json (8 salons): %.3f s in the transaction, %.2f s for the whole "
                        "command" % (inside, wall), 0, 0, 0, None))
    event = int(query(server, "SELECT e.id FROM events e JOIN event_series s ON s.id = e.series_id "
                              "WHERE s.slug = 'salon' AND e.seq = 8")[0][0])
    pg = server.database.startswith("postgres")
    f = query(server, "INSERT INTO files (sha256, content_type, width, height, size, data_b64, created_at, name, key) "
                      "VALUES ('bench', 'application/pdf', 0, 0, 12, 'JVBERi0xLjQKJSVFT0YK', %s, '双活数据中心.pdf', "
                      "'benchslidesfilekey0001') "
                      "RETURNING id" % ("now()" if pg else "0"))[0][0]
    query(server, "INSERT INTO event_media (event_id, kind, title, file_id, created_at) VALUES "
                  "(%d, 'slides', '双活数据中心实践', %s, %s)" % (event, f, "now()" if pg else "0"))
    return event


def registration_burst(server, label, rows):
    """5,000 members click Register at once for 300 seats: how long until
    every one has an answer, and is the outcome right."""
    from test_rush import acked_are_kept, burst, check_consistent, members, open_event
    event = open_event(server, 300)
    path, _ = members(server, 5000, "burst")
    out, acked = burst(server, os.path.join(ROOT, "build", "burst"), event, path,
                       ["http://127.0.0.1:%d" % server.port], CONNECTIONS)
    confirmed, waitlisted = check_consistent(server, event, 300)
    acked_are_kept(server, event, acked)
    ok = (out["status"] == {"303": 5000} and confirmed == 300 and waitlisted == 4700 and len(acked) == 5000)
    limit = BURST_LIMIT_S[label]
    verdict = "%s (all answered < %g s, exactly 300 confirmed, every acknowledgement kept)" % (
        "met" if ok and out["elapsed_s"] < limit else "MISSED", limit)
    rows.append((label, "registration burst: 5,000 members, 300 seats: %.2f s, %d confirmed, %d waitlisted, "
                        "answers %s" % (out["elapsed_s"], confirmed, waitlisted, out["status"]),
                 out["per_s"], out["p99_ms"], None, ("burst", verdict, ok and out["elapsed_s"] < limit)))


def deadlocks(server):
    return int(query_one(server, "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"))


def query_one(server, statement):
    from harness import query
    return query(server, statement)[0][0]


def two_servers(first, second, rows):
    """Two pgherd servers on one PostgreSQL: two events opening at the same
    moment (3,000 members each, every request spread over both servers),
    then one event's burst at 256 connections. Whole bursts answered, the
    outcome right, and no deadlock (PostgreSQL's own count)."""
    import threading
    from test_rush import acked_are_kept, burst, check_consistent, members, open_event
    urls = ["http://127.0.0.1:%d" % first.port, "http://127.0.0.1:%d" % second.port]
    burst_bin = os.path.join(ROOT, "build", "burst")
    events = [open_event(first, 300), open_event(first, 300)]
    paths = [members(first, 3000, "two-%d" % i)[0] for i in range(2)]
    before = deadlocks(first)
    results = [None, None]

    def run(i):
        results[i] = burst(first, burst_bin, events[i], paths[i], urls, CONNECTIONS)

    t0 = time.time()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - t0
    stuck = deadlocks(first) - before
    ok = stuck == 0
    for i in range(2):
        out, acked = results[i]
        confirmed, waitlisted = check_consistent(first, events[i], 300)
        acked_are_kept(first, events[i], acked)
        ok = ok and out["status"] == {"303": 3000} and confirmed == 300 and len(acked) == 3000
    verdict = "%s (both answered < 3 s, 300 confirmed each, no deadlock)" % (
        "met" if ok and elapsed < 3 else "MISSED")
    rows.append(("postgres x2", "two events open at once, 3,000 members each, two servers: %.2f s, %d deadlocks, "
                 "answers %s and %s" % (elapsed, stuck, results[0][0]["status"], results[1][0]["status"]),
                 6000 / elapsed, max(r[0]["p99_ms"] for r in results), None, ("burst", verdict, ok and elapsed < 3)))
    event = open_event(first, 300)
    path, _ = members(first, 3000, "two-256")
    before = deadlocks(first)
    out, acked = burst(first, burst_bin, event, path, urls, 256)
    stuck = deadlocks(first) - before
    confirmed, waitlisted = check_consistent(first, event, 300)
    acked_are_kept(first, event, acked)
    ok = out["status"] == {"303": 3000} and confirmed == 300 and len(acked) == 3000 and stuck == 0
    verdict = "%s (answered < 2 s, 300 confirmed, no deadlock)" % ("met" if ok and out["elapsed_s"] < 2 else "MISSED")
    rows.append(("postgres x2", "one event, 3,000 members, two servers, 256 connections: %.2f s, %d deadlocks, answers %s"
                 % (out["elapsed_s"], stuck, out["status"]), out["per_s"], out["p99_ms"], None,
                 ("burst", verdict, ok and out["elapsed_s"] < 2)))


def bare(rows, when):
    """The bare libmicrohttpd server, as many threads as pgherd on SQLite."""
    import socket
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    proc = subprocess.Popen([os.path.join(ROOT, "build", "bench-bare"), str(port), str(os.cpu_count())],
                            stdout=subprocess.PIPE)
    try:
        proc.stdout.readline()  # listening
        url = "http://127.0.0.1:%d/" % port
        wrk(url)  # warm-up
        rps, p99 = wrk(url)
    finally:
        proc.terminate()
        proc.wait()
    rows.append(("bare", "bare libmicrohttpd, 1 KB (the ceiling, %s)" % when, rps, p99, 1.0, None))
    return rps


def measure(server, label, rows):
    base = "http://127.0.0.1:%d" % server.port
    wrk(base + "/_bench/1k", ())  # warm-up
    rps, p99 = wrk(base + "/_bench/1k")
    rows.append((label, OWN, rps, p99, 0, TARGETS.get(OWN)))
    pages = [("home", "/", ["Accept-Language: zh-CN"]),
             ("home (en)", "/?lang=en", []),
             ("api home", "/api/v1/", []),
             ("healthz", "/healthz", [])]
    for name, path, headers in pages:
        rps, p99 = wrk(base + path, headers)
        rows.append((label, name, rps, p99, 0, TARGETS.get(name)))
    secs = seed_orgs(server)
    rows.append((label, "seeding 10,000 organizations: %.2f s" % secs, 0, 0, 0, None))
    cookie = signed_in_cookie(server)
    # The profile pages read are a public one (profiles are hidden until
    # their member makes them public).
    from harness import sql
    sql(server, "UPDATE users SET profile_public = (1 = 1) WHERE id = 1")
    for name, mode in [("orgs search, 338 rotating queries", "rotate"),
                       ("orgs search, a new query each request", "new")]:
        rps, p99 = wrk(base + "/", script="search.lua", args=[mode])
        rows.append((label, name, rps, p99, 0, TARGETS.get(name)))
    for name, path, headers in [("orgs, 10k, first page", "/orgs", []),
                                ("directory (orgs), signed in", "/orgs", ["Cookie: " + cookie]),
                                ("orgs, 10k, search 邮储银行", "/orgs?q=%E9%82%AE%E5%82%A8%E9%93%B6%E8%A1%8C", []),
                                ("orgs, 10k, search 邮储 (2 chars)", "/orgs?q=%E9%82%AE%E5%82%A8", []),
                                ("orgs, 10k, search 数据科技 (10k hits)", "/orgs?q=%E6%95%B0%E6%8D%AE%E7%A7%91%E6%8A%80", []),
                                ("profile page, signed in", "/people/1", ["Cookie: " + cookie]),
                                ("account page (sessions, tokens), signed in", "/account", ["Cookie: " + cookie]),
                                ("public profile page", "/people/1", [])]:
        rps, p99 = wrk(base + path, headers)
        rows.append((label, name, rps, p99, 0, TARGETS.get(name)))
    event = event_with_agenda(server)
    for name, path, headers in [("event page, 10-item agenda, 300 registrations", "/events/%d" % event, []),
                                ("event page, signed in", "/events/%d" % event, ["Cookie: " + cookie]),
                                ("event page as API JSON, signed in", "/api/v1/events/%d" % event,
                                 ["Cookie: " + cookie]),
                                ("event page as API JSON, visitor", "/api/v1/events/%d" % event, []),
                                ("event page, gzip (as phones ask)", "/events/%d" % event, ["Accept-Encoding: gzip"]),
                                ("event page, signed in, gzip", "/events/%d" % event,
                                 ["Cookie: " + cookie, "Accept-Encoding: gzip"]),
                                ("events list", "/events", [])]:
        rps, p99 = wrk(base + path, headers)
        rows.append((label, name, rps, p99, 0, TARGETS.get(name)))
    past = imported_2018(server, label, rows)
    for name, path, headers in [("past salon page: 35 organizations, 9 talks, replays, slides", "/events/%d" % past, []),
                                ("past salon page, signed in", "/events/%d" % past, ["Cookie: " + cookie]),
                                ("series archive: every past salon (15)", "/archive?series=salon", [])]:
        rps, p99 = wrk(base + path, headers)
        rows.append((label, name, rps, p99, 0, TARGETS.get(name)))
    article, secs = seed_content(server)
    rows.append((label, "indexing 20,000 pieces for the search: %.1f s" % secs, 0, 0, 0, None))
    for name, path, headers in [("article page, 20 comments", "/articles/%d" % article, []),
                                ("article page, 20 comments, signed in", "/articles/%d" % article, ["Cookie: " + cookie]),
                                ("articles feed (Atom)", "/articles/feed.atom", [])]:
        rps, p99 = wrk(base + path, headers)
        rows.append((label, name, rps, p99, 0, TARGETS.get(name)))
    for name, mode in [("search, 20,000 pieces, a new two-character query each request", "zh2"),
                       ("search, 20,000 pieces, a new four-character query each request", "zh4"),
                       ("search, 20,000 pieces, a new English query each request", "en")]:
        rps, p99 = wrk(base + "/", script="search.lua", args=[mode])
        rows.append((label, name, rps, p99, 0, TARGETS.get(name)))
    wish, secs = seed_wishes(server)
    rows.append((label, "seeding 10,000 wishes and 1,000,000 votes: %.1f s" % secs, 0, 0, 0, None))
    for name, path, headers in [("wish wall, 10,000 wishes, 1,000,000 votes: trending", "/wishes", []),
                                ("wish wall: top", "/wishes?sort=top", []),
                                ("wish wall: trending, signed in", "/wishes", ["Cookie: " + cookie]),
                                ("wish wall: top, signed in", "/wishes?sort=top", ["Cookie: " + cookie]),
                                ("wish wall: one kind and status", "/wishes?sort=top&kind=kernel&status=review", []),
                                ("wish wall: what DBAs at banks want", "/wishes?role=dba&industry=bank", []),
                                ("wish wall: what DBAs at banks want, signed in", "/wishes?role=dba&industry=bank",
                                 ["Cookie: " + cookie]),
                                ("wish page, 50 comments", "/wishes/%d" % wish, []),
                                ("wish page, 50 comments, signed in", "/wishes/%d" % wish, ["Cookie: " + cookie])]:
        rps, p99 = wrk(base + path, headers)
        rows.append((label, name, rps, p99, 0, TARGETS.get(name)))
    registration_burst(server, label, rows)
    vote_burst(server, label, rows)
    numbers(server, label, rows, event)


WRITER_MIN = {"sqlite": 200000, "postgres": 100000}  # page views the writer stores a second
COUNTING_MIN = 0.90  # a kept page's rate with page views counted, of the same without
DASHBOARD_P99_MS = 100.0


def numbers(server, label, rows, event):
    """The numbers: the page-view writer's rate; what counting page views
    costs a kept page (the same page through a second server on the same
    database with page_views off, measured in turns); and the organizers'
    dashboard over two years of 10,000,000 page views and 50,000 members."""
    import json
    import urllib.request
    from harness import Server, sql
    base = "http://127.0.0.1:%d" % server.port
    out = json.loads(urllib.request.urlopen(base + "/_bench/views?n=400000", timeout=300).read())
    want = WRITER_MIN[label]
    ok = out["per_second"] >= want
    rows.append((label, "page-view writer: 400,000 page views, 50,000 a transaction: %.2f s" % out["seconds"],
                 out["per_second"], 0, 0, ("check", "%s (>= %d a second)" % ("met" if ok else "MISSED", want), ok,
                                           "page views/s")))
    # Two fresh servers on the same database, one counting and one not,
    # measured in turns: the difference is the counting alone.
    pair = []
    for counting in ("on", "off"):
        srv = Server(server.binary, database=server.database, extra_env={
            k: v for k, v in server.env.items() if k.startswith("PGHERD_") and k not in ("PGHERD_LISTEN", "PGHERD_DATABASE")})
        srv.env["PGHERD_PAGE_VIEWS"] = counting
        srv.env["PGHERD_ACCESS_LOG"] = os.path.join(srv.dir, "access.log")
        pair.append(srv)
    try:
        for srv in pair:
            srv.start()
        path = "/events/%d" % event
        best_on = best_off = (0, 0)
        for _ in range(2):
            best_on = max(best_on, wrk("http://127.0.0.1:%d%s" % (pair[0].port, path)))
            best_off = max(best_off, wrk("http://127.0.0.1:%d%s" % (pair[1].port, path)))
    finally:
        for srv in pair:
            srv.stop()
            srv.cleanup()
    share = best_on[0] / best_off[0]
    ok = share >= COUNTING_MIN
    rows.append((label, "event page with its page views counted: %.0f%% of the same page not counted (%.0f/s)"
                 % (share * 100, best_off[0]), best_on[0], best_on[1], 0,
                 ("check", "%s (>= %.0f%%)" % ("met" if ok else "MISSED", COUNTING_MIN * 100), ok, "requests/s")))
    t0 = time.time()
    seed_numbers(server)
    rows.append((label, "seeding two years of numbers: 10,000,000 page views, 50,000 members: %.1f s"
                 % (time.time() - t0), 0, 0, 0, None))
    cookie = signed_in_cookie(server, "bench-numbers@example.com")
    sql(server, "UPDATE users SET role = 'organizer' WHERE email = 'bench-numbers@example.com'")
    for name, path in [("dashboard, the last 365 days", "/numbers?range=365"),
                       ("dashboard, two years (custom range)", "/numbers?range=custom&from=%s&to=%s" % (
                           time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600 - 729 * 86400)),
                           time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600)))),
                       ("dashboard's cohorts as CSV", "/numbers/export.csv?chart=cohorts&range=365")]:
        errors = len(WRK_ERRORS)
        rps, p99 = wrk(base + path, ["Cookie: " + cookie], connections=4)
        # A run that timed out has no p99 to speak of: missed, not met.
        ok = rps >= 1 and len(WRK_ERRORS) == errors and p99 <= DASHBOARD_P99_MS
        rows.append((label, name + ", 4 organizers at once", rps, p99, 0,
                     ("check", "%s (p99 <= %g ms)" % ("met" if ok else "MISSED", DASHBOARD_P99_MS), ok,
                      "requests/s")))


def seed_numbers(server):
    """Two years of the numbers as the writer and its daily sums leave
    them: 50,000 members joined over two years, 10,000,000 page views
    (13,700 a day, summed by day, device, media, channel, page and
    source), interactions and active members for each day, each month's
    cohorts, and today's page views as rows."""
    from harness import query, sql
    pg = server.database.startswith("postgres")
    today = int((time.time() + 8 * 3600) // 86400)
    first = today - 730
    ts = (lambda e: "to_timestamp(%s)" % e) if pg else (lambda e: e)
    sql(server, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000) "
                "INSERT INTO users (email, display_name, role, lang, created_at) "
                "SELECT 'numbers-' || i || '@example.com', '会员' || i, 'member', 'zh', %s FROM n"
                % ts("(%d + (i * 730 / 50000)) * 86400 - 28800 + 3600" % first))
    sql(server, "WITH RECURSIVE d(day) AS (SELECT %d UNION ALL SELECT day + 1 FROM d WHERE day < %d) "
                "INSERT INTO view_days_done (day, at) SELECT day, %s FROM d" % (first, today - 1, ts("day * 86400")))
    dims = [("all", "", 13700, 5200)] + [("device", k, v, v * 38 // 100) for k, v in
                                          (("phone", 9000), ("pc", 4000), ("tablet", 700))] + \
           [("media", k, v, v * 38 // 100) for k, v in (("text", 12000), ("audio", 900), ("video", 800))] + \
           [("channel", k, v, v * 38 // 100) for k, v in (("direct", 4000), ("search", 3000), ("other", 1700),
                                                         ("1", 2500), ("2", 1500), ("3", 1000))] + \
           [("path", "/events/%d" % i, 400, 150) for i in range(1, 21)] + \
           [("source", "ref:site%d.example.com" % i, 170, 60) for i in range(10)] + [("bot", "", 2000, 40)]
    values = " UNION ALL ".join("SELECT '%s' AS dim, '%s' AS key, %d AS views, %d AS visitors" % d for d in dims)
    sql(server, "WITH RECURSIVE d(day) AS (SELECT %d UNION ALL SELECT day + 1 FROM d WHERE day < %d), "
                "k AS (%s) INSERT INTO view_days (day, dim, key, views, visitors) "
                "SELECT day, dim, key, views + (day %% 7) * views / 20, visitors FROM d, k" % (first, today - 1, values))
    kinds = " UNION ALL ".join("SELECT '%s' AS kind, %d AS n" % kv for kv in (
        ("members", 68), ("registrations", 40), ("checkins", 25), ("comments", 30), ("votes", 300), ("wishes", 5),
        ("questions", 4), ("answers", 6)))
    sql(server, "WITH RECURSIVE d(day) AS (SELECT %d UNION ALL SELECT day + 1 FROM d WHERE day < %d), "
                "k AS (%s) INSERT INTO interaction_days (day, kind, n) SELECT day, kind, n FROM d, k"
                % (first, today - 1, kinds))
    sql(server, "WITH RECURSIVE d(day) AS (SELECT %d UNION ALL SELECT day + 1 FROM d WHERE day < %d) "
                "INSERT INTO activity_days (day, dau, wau, mau) "
                "SELECT day, 800 + (day %% 7) * 40, 3000, 9000 FROM d" % (first, today - 1))
    # Each cohort (month joined) active in each later month: fewer as time goes.
    y, m = time.gmtime(time.time() + 8 * 3600)[:2]
    now = y * 12 + m - 1
    cells = ", ".join("(%d, %d, %d)" % (c, mo, max(1, 2083 * 60 // (100 + 25 * (mo - c))))
                      for c in range(now - 24, now + 1) for mo in range(c, now))
    sql(server, "INSERT INTO cohort_months (cohort, month, members) VALUES " + cells)
    # This month's active members and today's page views, as the writer leaves them.
    sql(server, "INSERT INTO member_months (month, user_id, cohort) SELECT %d, id, %d FROM users "
                "WHERE email LIKE 'numbers-%%' AND id %% 3 = 0" % (now, now - 1))
    sql(server, "INSERT INTO member_days (day, user_id) SELECT %d, id FROM users "
                "WHERE email LIKE 'numbers-%%' AND id %% 10 = 0" % today)
    sql(server, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 14000) "
                "INSERT INTO page_views (day, at, visitor, path, source, channel_id, device, media, member, views) "
                "SELECT %d, %s, i %% 5200, '/events/' || (1 + i %% 20), CASE WHEN i %% 3 = 0 THEN 'search:baidu' "
                "ELSE '' END, NULL, CASE WHEN i %% 3 = 0 THEN 'pc' ELSE 'phone' END, 'text', %s, 1 FROM n"
                % (today, ts(str(today * 86400)), "false" if pg else "0"))
    if pg:
        # What autovacuum does after a load this size within a minute: the
        # planner's statistics, and the visibility map index-only scans need.
        sql(server, "VACUUM ANALYZE users, view_days, interaction_days, activity_days, cohort_months, "
                    "member_days, member_months, page_views")
    # The writer sums today's page views every few seconds once a page is
    # viewed: one view, and wait for the sums of the 14,001.
    import urllib.request
    urllib.request.urlopen("http://127.0.0.1:%d/orgs" % server.port).read()
    deadline = time.time() + 60
    while time.time() < deadline:
        got = query(server, "SELECT views FROM view_days_live WHERE day = %d AND dim = 'all'" % today)
        if got and int(got[0][0]) > 14000:
            break
        time.sleep(0.5)


def unwatched(server, rows):
    """A few of the pages members and visitors read most, through a server
    with pg_watch off (every request asks the database what changed), on
    the data the first server seeded: what the watch, on by default,
    is worth. No targets: the rows above are the ones held to them."""
    from harness import query
    label = "postgres, pg_watch off"
    base = "http://127.0.0.1:%d" % server.port
    cookie = signed_in_cookie(server, "bench-unwatched@example.com")
    event = query(server, "SELECT event_id FROM registrations GROUP BY event_id ORDER BY count(*) DESC LIMIT 1")[0][0]
    wish = query(server, "SELECT target_id FROM comments WHERE target_kind = 'wish' GROUP BY target_id "
                         "ORDER BY count(*) DESC LIMIT 1")[0][0]
    for name, path, headers in [("home", "/", ["Accept-Language: zh-CN"]),
                                ("healthz", "/healthz", []),
                                ("event page, signed in", "/events/%s" % event, ["Cookie: " + cookie]),
                                ("event page as API JSON, signed in", "/api/v1/events/%s" % event, ["Cookie: " + cookie]),
                                ("wish wall, 10,000 wishes, 1,000,000 votes: trending", "/wishes", []),
                                ("wish page, 50 comments, signed in", "/wishes/%s" % wish, ["Cookie: " + cookie])]:
        import urllib.request
        warm = urllib.request.Request(base + path, headers=dict(h.split(": ", 1) for h in headers))
        urllib.request.urlopen(warm).read()  # kept before it is measured
        rps, p99 = wrk(base + path, headers)
        rows.append((label, name, rps, p99, 0, None))


def main():
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True).stdout.strip() or "unknown"
    binary = os.path.join(ROOT, "build", "pgherd")
    # Threads as shipped (0: one per core on SQLite, four per core on PostgreSQL).
    env = {"PGHERD_BENCH_ENDPOINTS": "on", "PGHERD_THREADS": "0", "ASAN_OPTIONS": "", "UBSAN_OPTIONS": ""}
    rows = []
    rss = {}
    bare(rows, "at the start")
    lite = Server(binary, extra_env=env)
    lite.env["PGHERD_ACCESS_LOG"] = os.path.join(lite.dir, "access.log")
    try:
        lite.run("demo")
        lite.run("user", "add", "bench-owner@example.com", "压测", "member")
        lite.start()
        measure(lite, "sqlite", rows)
        rss["sqlite"] = peak_rss_mb(lite.proc.pid)
    finally:
        lite.stop()
        lite.cleanup()

    # The same home page with the page cache off: every request reads the
    # database and renders the template (shown for comparison; no target).
    raw = Server(binary, extra_env=dict(env, PGHERD_PAGE_CACHE="off"))
    raw.env["PGHERD_ACCESS_LOG"] = os.path.join(raw.dir, "access.log")
    try:
        raw.run("demo")
        raw.start()
        base = "http://127.0.0.1:%d" % raw.port
        rps, p99 = wrk(base + "/", ["Accept-Language: zh-CN"])
        rows.append(("sqlite", "home, page cache off", rps, p99, 0, None))
        seed_orgs(raw)
        for name, path in [("orgs, 10k, first page, page cache off", "/orgs"),
                           ("orgs, 10k, search 邮储银行, page cache off", "/orgs?q=%E9%82%AE%E5%82%A8%E9%93%B6%E8%A1%8C"),
                           ("orgs, 10k, search 邮储, page cache off", "/orgs?q=%E9%82%AE%E5%82%A8")]:
            rps, p99 = wrk(base + path)
            rows.append(("sqlite", name, rps, p99, 0, None))
    finally:
        raw.stop()
        raw.cleanup()

    pgdir = tempfile.mkdtemp(prefix="pgherd-bench-pg-")
    script = os.path.join(ROOT, "scripts", "pg-test-server.sh")
    url = subprocess.run([script, "start", pgdir, "54391"], stdout=subprocess.PIPE, text=True,
                         check=True).stdout.strip()
    pg = Server(binary, database=url, extra_env=env)
    pg.env["PGHERD_ACCESS_LOG"] = os.path.join(pg.dir, "access.log")
    try:
        pg.run("demo")
        pg.start()
        measure(pg, "postgres", rows)
        rss["postgres"] = peak_rss_mb(pg.proc.pid)
        second = Server(binary, database=url, extra_env=env)
        try:
            second.start()
            two_servers(pg, second, rows)
        finally:
            second.stop()
            second.cleanup()
        asking = Server(binary, database=url, extra_env=dict(env, PGHERD_PG_WATCH="off"))
        asking.env["PGHERD_ACCESS_LOG"] = os.path.join(asking.dir, "access.log")
        try:
            asking.start()
            unwatched(asking, rows)
        finally:
            asking.stop()
            asking.cleanup()
    finally:
        pg.stop()
        pg.cleanup()
        subprocess.run([script, "stop", pgdir])
    # The ceiling drifts on a shared machine: take it again at the end and
    # hold every page to the higher of the two.
    bare(rows, "at the end")

    now = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC")
    lines = ["", "## %s, commit %s" % (now, commit), "",
             "wrk -t1 -c%d -d%s on loopback; pgherd with its default threads (%d on SQLite, %d on PostgreSQL), "
             "access log on; %d cores." % (CONNECTIONS, DURATION, os.cpu_count(), 4 * os.cpu_count(), os.cpu_count()), "",
             "| engine | page | requests/s | p99 ms | share of the bare server | target |",
             "|---|---|---:|---:|---:|---|"]
    failed = []
    top = max(r[2] for r in rows if r[0] == "bare")
    lines.insert(-3, "Shares are of the higher of the two bare libmicrohttpd measurements (%.0f requests/s)." % top)
    lines.insert(-3, "")
    for engine, name, rps, p99, ratio, target in rows:
        ratio = rps / top
        verdict = ""
        if target and target[0] == "check":
            # A figure of its own kind (page views written a second, a
            # share of another row): its unit and verdict in the row.
            lines.append("| %s | %s | %.0f %s | %.2f | | %s |" % (engine, name, rps, target[3], p99, target[1]))
            if not target[2]:
                failed.append("%s %s" % (engine, name))
            continue
        if target and target[0] == "burst":
            lines.append("| %s | %s | %.0f registrations/s | %.2f | | %s |" % (engine, name, rps, p99, target[1]))
            if not target[2]:
                failed.append(engine + " burst")
            continue
        if target and engine == "postgres":
            # On PostgreSQL every page is held to PG_SIGNED_IN, with no p99 target.
            target = (PG_SIGNED_IN, 1e9) if target[0] >= PG_SIGNED_IN else target
        if target:
            ok = ratio >= target[0] and p99 <= target[1]
            verdict = "%s (>= %.0f%%%s)" % ("met" if ok else "MISSED", target[0] * 100,
                                          ", p99 <= %g ms" % target[1] if target[1] < 1e9 else "")
            if not ok:
                failed.append("%s %s" % (engine, name))
        if not rps:
            lines.append("| %s | %s | | | | |" % (engine, name))
            continue
        lines.append("| %s | %s | %.0f | %.2f | %.0f%% | %s |" % (engine, name, rps, p99, ratio * 100, verdict))
    if WRK_ERRORS:
        lines += ["", "wrk reported errors (figures above include them): " + "; ".join("/" + e for e in WRK_ERRORS)]
        failed.append("wrk errors")
    lines += ["", "Peak server RSS: " + ", ".join("%s %.1f MB" % kv for kv in rss.items()) +
              " (target < 50 MB)", ""]
    text = "\n".join(lines)
    print(text)
    path = os.path.join(HERE, "RESULTS.md")
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write("# pgherd benchmark results\n\nAppended by `make bench`; newest last.\n")
    with open(path, "a") as f:
        f.write(text)
    if any(v >= 50 for v in rss.values()):
        failed.append("rss")
    if failed:
        print("targets missed: " + ", ".join(failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())

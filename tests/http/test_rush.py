"""test_rush.py: a salon's registration opening under load, and a crash in
the middle of it.

- 2,000 distinct members click "Register" at once for 100 seats (64
  connections): through one pgherd on SQLite, or through two pgherd
  processes sharing one PostgreSQL. Exactly 100 confirmed, the other 1,900
  waitlisted behind them in one order, nobody twice, no 5xx.
- kill -9 during a burst, then a restart: every registration a client was
  told about is there, and the seat counters match the rows.

    python3 tests/http/test_rush.py BINARY BURST [DATABASE_URL]"""
import hashlib
import os
import secrets
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, assert_eq, heard, query  # noqa: E402


def members(s, n, tag):
    """n members with live sessions, written straight into the database (an
    argon2 sign-up each would take minutes); returns their session tokens."""
    tokens = [secrets.token_urlsafe(32) for _ in range(n)]
    now = int(time.time())
    rows_u = ",".join("('%s-%d@rush.example', '抢票会员%d', 'member', 'zh', %s)"
                      % (tag, i, i, "to_timestamp(%d)" % now if s.database.startswith("postgres") else now)
                      for i in range(n))
    ts = ("to_timestamp(%d)" if s.database.startswith("postgres") else "%d")
    rows_s = ",".join("('%s', (SELECT id FROM users WHERE email = '%s-%d@rush.example'), %s, %s, %s)"
                      % (hashlib.blake2b(t.encode(), digest_size=32).hexdigest(), tag, i, ts % now,
                         ts % (now + 86400), ts % now)
                      for i, t in enumerate(tokens))
    script = ("INSERT INTO users (email, display_name, role, lang, created_at) VALUES %s;\n"
              "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES %s;\n"
              % (rows_u, rows_s))
    if s.database.startswith("postgres"):
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", s.database], input=script.encode(), check=True,
                       stdout=subprocess.DEVNULL)
        heard(s.database)
    else:
        import sqlite3
        c = sqlite3.connect(s.database[len("sqlite:"):], timeout=30)
        c.executescript(script)
        c.close()
    path = os.path.join(s.dir, "tokens-%s.txt" % tag)
    with open(path, "w") as f:
        f.write("\n".join(tokens) + "\n")
    return path, tokens


def open_event(s, seats):
    """An event open for registration with `seats` seats."""
    pg = s.database.startswith("postgres")
    t = "to_timestamp(%d)" if pg else "%d"
    start = int(time.time()) + 30 * 86400
    statement = ("INSERT INTO events (series_id, title_zh, title_en, starts_at, ends_at, status, capacity, created_at) "
                 "VALUES (1, '抢票测试', 'Rush test', %s, %s, 'open', %d, %s) RETURNING id"
                 % (t % start, t % (start + 30000), seats, t % int(time.time())))
    return int(query(s, statement)[0][0])


def burst(s, burst_bin, event, tokens_path, urls, conns=64):
    acked = os.path.join(s.dir, "acked-%d.txt" % event)
    # A CSRF token the servers made (they share the key through the database).
    env = dict(os.environ, BURST_CSRF=s.csrf())
    p = subprocess.run([burst_bin, str(event), tokens_path, str(conns), acked] + urls, stdout=subprocess.PIPE,
                       check=True, timeout=600, env=env)
    import json
    out = json.loads(p.stdout.decode())
    with open(acked) as f:
        return out, [line.strip() for line in f if line.strip()]


def check_consistent(s, event, seats):
    """Counters equal the rows; never more confirmed than seats; one row per
    member; every confirmed seat was given before anyone was waitlisted."""
    cap, confirmed, waitlisted = (int(x) for x in query(
        s, "SELECT capacity, confirmed, waitlisted FROM events WHERE id = %d" % event)[0])
    rows = dict(query(s, "SELECT status, count(*) FROM registrations WHERE event_id = %d GROUP BY status" % event))
    assert_eq((confirmed, waitlisted), (int(rows.get("confirmed", 0)), int(rows.get("waitlisted", 0))),
              "counters match the rows")
    assert confirmed <= cap == seats, "oversold: %d > %d" % (confirmed, cap)
    dups = query(s, "SELECT user_id FROM registrations WHERE event_id = %d GROUP BY user_id HAVING count(*) > 1" % event)
    assert_eq(dups, [], "nobody registered twice")
    if waitlisted:
        last, first = query(s, "SELECT (SELECT max(id) FROM registrations WHERE event_id = %d AND status = 'confirmed'), "
                               "(SELECT min(id) FROM registrations WHERE event_id = %d AND status = 'waitlisted')"
                            % (event, event))[0]
        assert int(last) < int(first), "the waitlist queues behind every confirmed seat, in one order"
    return confirmed, waitlisted


def acked_are_kept(s, event, acked):
    kept = set(r[0] for r in query(
        s, "SELECT s.token_hash FROM registrations r JOIN sessions s ON s.user_id = r.user_id "
           "WHERE r.event_id = %d AND r.status IN ('confirmed', 'waitlisted')" % event))
    lost = [t for t in acked if hashlib.blake2b(t.encode(), digest_size=32).hexdigest() not in kept]
    assert_eq(lost, [], "every acknowledged registration survived")


def test_two_thousand_members_one_hundred_seats(binary, burst_bin, database):
    servers = [Server(binary, database=database)]
    if database:  # a second pgherd process on the same PostgreSQL
        servers.append(Server(binary, database=database))
    try:
        servers[0].run("demo")
        for s in servers:
            s.start()
        s = servers[0]
        event = open_event(s, 100)
        path, tokens = members(s, 2000, "rush")
        out, acked = burst(s, burst_bin, event, path, ["http://127.0.0.1:%d" % x.port for x in servers])
        print("   ", out, flush=True)
        assert_eq(out["status"], {"303": 2000}, "every member answered with their ticket, no 5xx")
        assert_eq(len(set(acked)), 2000)
        assert_eq(check_consistent(s, event, 100), (100, 1900))
        acked_are_kept(s, event, acked)
        # A second rush of the same members changes nothing: one registration each.
        out, _ = burst(s, burst_bin, event, path, ["http://127.0.0.1:%d" % x.port for x in servers])
        assert_eq(out["status"], {"303": 2000})
        assert_eq(check_consistent(s, event, 100), (100, 1900))
    finally:
        codes = [x.stop() for x in servers]
        for x in servers:
            if any(codes):
                print(x.read_log()[-3000:])
            x.cleanup()
    assert_eq(codes, [0] * len(servers), "servers exit cleanly (no sanitizer report)")


def test_kill_nine_mid_burst_loses_nothing_acknowledged(binary, burst_bin, database):
    s = Server(binary, database=database)
    try:
        s.run("demo")
        s.start()
        event = open_event(s, 300)
        path, tokens = members(s, 3000, "crash")
        acked_path = os.path.join(s.dir, "acked-%d.txt" % event)
        p = subprocess.Popen([burst_bin, str(event), path, "64", acked_path, "http://127.0.0.1:%d" % s.port],
                             stdout=subprocess.PIPE, env=dict(os.environ, BURST_CSRF=s.csrf()))
        deadline = time.time() + 60
        while time.time() < deadline:  # until the burst is well under way
            if os.path.exists(acked_path) and sum(1 for _ in open(acked_path)) >= 400:
                break
            time.sleep(0.005)
        s.proc.send_signal(signal.SIGKILL)
        s.proc.wait()
        p.communicate(timeout=120)
        acked = [line.strip() for line in open(acked_path) if line.strip()]
        assert 400 <= len(acked) < 3000, "killed in the middle (%d acknowledged)" % len(acked)
        s.log.close()
        s.start()  # restart on the same database
        confirmed, waitlisted = check_consistent(s, event, 300)
        acked_are_kept(s, event, acked)
        assert confirmed + waitlisted >= len(acked)
        print("    killed after %d acknowledged; %d confirmed, %d waitlisted after restart"
              % (len(acked), confirmed, waitlisted), flush=True)
    finally:
        code = s.stop()
        if code:
            print(s.read_log()[-3000:])
        s.cleanup()
    assert_eq(code, 0)


if __name__ == "__main__":
    binary, burst_bin = sys.argv[1], sys.argv[2]
    database = sys.argv[3] if len(sys.argv) > 3 else None
    engine = "postgres" if database else "sqlite"
    failed = 0
    for t in (test_two_thousand_members_one_hundred_seats, test_kill_nine_mid_burst_loses_nothing_acknowledged):
        try:
            t(binary, burst_bin, database)
            print("ok    %s [%s]" % (t.__name__, engine), flush=True)
        except Exception:
            import traceback
            traceback.print_exc()
            print("FAIL  %s [%s]" % (t.__name__, engine), flush=True)
            failed += 1
    print("rush [%s]: %d passed, %d failed" % (engine, 2 - failed, failed))
    sys.exit(1 if failed else 0)

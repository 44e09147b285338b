"""test_backup.py: `pgherd backup` of a live server under writes and
`pgherd restore` into an empty database, across engines both ways: SQLite
to PostgreSQL and PostgreSQL to SQLite. Each backup is one moment (every
event's seat counters match its registration rows in the file, while
members keep registering), and the restored community is all there: its
pages, its members' passwords, its uploaded images byte for byte, and new
rows after the restored ones.
    python3 tests/http/test_backup.py BINARY POSTGRES_URL_A POSTGRES_URL_B"""
import copy
import json
import os
import re
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Person, Server, account, assert_eq, assert_in, member  # noqa: E402
from images import fixture, with_exif  # noqa: E402
from test_files import upload  # noqa: E402
from test_events import new_event, register  # noqa: E402


def read_backup(path):
    """{table: [row dicts]} and the header of a backup file."""
    tables, head, current = {}, None, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            j = json.loads(line)
            if head is None:
                head = j
            elif isinstance(j, dict) and "table" in j:
                current = j
                tables[j["table"]] = []
            elif isinstance(j, list):
                tables[current["table"]].append(dict(zip(current["columns"], j)))
    return head, tables


def check_one_moment(tables):
    """Every event's counters agree with its registration rows."""
    for ev in tables["events"]:
        regs = [r for r in tables["registrations"] if r["event_id"] == ev["id"]]
        confirmed = sum(1 for r in regs if r["status"] == "confirmed")
        waitlisted = sum(1 for r in regs if r["status"] == "waitlisted")
        assert_eq((ev["confirmed"], ev["waitlisted"]), (confirmed, waitlisted),
                  "event %d: counters and rows from the same moment" % ev["id"])


def community(src):
    """A demo community, an organizer's big salon, and a member with a
    photo avatar (EXIF stripped on upload) and a public profile."""
    src.run("demo")
    org = account(src, "backup-org@example.com", "备份组织者", "organizer")
    eid = new_event(org, "备份沙龙", capacity=5000)
    p = member(src, "backup-face@example.com", "有照片的人")
    p.post("/account/profile", {"name": "有照片的人", "profile_public": "1"})
    assert_eq(upload(p, "/account/avatar", "avatar", "me.jpg", with_exif(fixture("photo.jpg"), 6), "image/jpeg").status,
              303)
    key = re.search(r'src="/files/([A-Za-z0-9_-]{22})/s"', p.get("/account/profile").text).group(1)
    return eid, key


def backups_under_writes(src, eid, tmp, n=6):
    """n backups taken while members sign up and register without pause."""
    stop = threading.Event()
    done = [0]

    def writer(k):
        # A Person keeps its cookies on the server object: one per thread.
        own = copy.copy(src)
        own.cookies, own.cookie_until = {}, {}
        p = member(own, "writer%d@example.com" % k, "写入者%d" % k)
        while not stop.is_set():
            assert_eq(register(p, eid).status, 303)
            assert_eq(p.post("/events/%d/cancel" % eid, {}).status, 303)
            done[0] += 2

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    paths = []
    try:
        for i in range(n):
            path = os.path.join(tmp, "backup-%d.jsonl" % i)
            out = src.run("backup", path).stdout.decode()
            assert_in("backed up", out)
            assert not os.path.exists(path + ".partial"), "the file took its name when whole"
            paths.append(path)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert done[0] > 20, "members were registering and cancelling during the backups (%d)" % done[0]
    print("      %d registrations and cancellations during %d backups" % (done[0], n))
    return paths


def restored_server(binary, database, path):
    dst = Server(binary, database=database)
    out = dst.run("restore", path).stdout.decode()
    assert_in("restored", out)
    return dst.start()


def check_restored(src_tables, dst, key, photo):
    regs = {r["event_id"] for r in src_tables["registrations"]}
    for ev in src_tables["events"]:
        if ev["id"] in regs and ev["status"] == "open":
            page = Person(dst).get("/events/%d" % ev["id"])
            assert_eq(page.status, 200)
            assert_in(ev["title_zh"], page.text)
    assert_eq(Person(dst).get("/files/" + key).body, photo, "the avatar, byte for byte")
    assert_eq(Person(dst).get("/files/%s/s" % key).status, 200)
    # A member signs in with the password they had; a new one gets new ids.
    p = Person(dst)
    assert_eq(p.login("backup-face@example.com").status, 303)
    assert_in("有照片的人", p.get("/account").text)
    newcomer = member(dst, "after-restore@example.com", "恢复之后")
    assert_eq(newcomer.post("/account/profile", {"name": "恢复之后"}).status, 303)
    assert_eq(Person(dst).get("/orgs").status, 200)


def one_direction(binary, src_db, dst_db, label):
    src = Server(binary, database=src_db).start()
    dst = None
    try:
        eid, key = community(src)
        photo = Person(src).get("/files/" + key).body
        paths = backups_under_writes(src, eid, src.dir)
        for path in paths:
            head, tables = read_backup(path)
            assert_eq(head["pgherd_backup"], 1)
            check_one_moment(tables)
        head, tables = read_backup(paths[-1])
        assert_eq(head["engine"], "postgres" if src_db.startswith("postgres") else "sqlite")
        assert any(f["key"] == key for f in tables["files"]), "uploads are in the backup"
        dst = restored_server(binary, dst_db, paths[-1])
        check_restored(tables, dst, key, photo)
        # The restored database holds a community now: a second restore is refused.
        again = dst.run("restore", paths[-1], check=False)
        assert_eq(again.returncode, 2)
        assert_in("already holds a community", again.stderr.decode())
        print("ok    %s: %d backups under writes, restored %d registrations" % (
            label, len(paths), len(tables["registrations"])))
    finally:
        for s in (src, dst):
            if s:
                code = s.stop()
                assert_eq(code, 0, "a server exited cleanly (66 is a sanitizer report)")
                s.cleanup()


def test_a_cut_or_foreign_file_changes_nothing(binary, tmp):
    s = Server(binary)
    try:
        s.run("demo")
        path = os.path.join(tmp, "whole.jsonl")
        s.run("backup", path)
        data = open(path, "rb").read()
        # Cut inside a line (halfway through the file could fall on a
        # line's end, which is the next case's: a file cut short).
        middle = data.index(b"\n", len(data) // 2) + 6
        for name, body, why in [("cut.jsonl", data[:middle], "damaged"),
                                ("no-end.jsonl", b"\n".join(data.split(b"\n")[:-2]) + b"\n", "cut short"),
                                ("other.jsonl", b'{"hello": 1}\n', "not a pgherd backup"),
                                ("empty.jsonl", b"", "not a pgherd backup")]:
            bad = os.path.join(tmp, name)
            open(bad, "wb").write(body)
            fresh = Server(binary)
            r = fresh.run("restore", bad, check=False)
            assert_eq(r.returncode, 2, name)
            assert_in(why, r.stderr.decode(), name)
            listed = fresh.run("user", "list").stdout.decode()
            assert "@" not in listed, "%s: nothing was restored (%r)" % (name, listed)
            fresh.cleanup()
        r = s.run("backup", check=False)
        assert_eq(r.returncode, 2, "a file is required")
        print("ok    a cut, foreign or empty file is refused and changes nothing")
    finally:
        s.cleanup()


def main():
    binary, pg_a, pg_b = sys.argv[1], sys.argv[2], sys.argv[3]
    import tempfile
    tmp = tempfile.mkdtemp(prefix="pgherd-backup-")
    sqlite_src = "sqlite:%s/src.db" % tmp
    sqlite_dst = "sqlite:%s/dst.db" % tmp
    failed = 0
    for label, run in [
        ("sqlite to postgres", lambda: one_direction(binary, sqlite_src, pg_a, "sqlite to postgres")),
        ("postgres to sqlite", lambda: one_direction(binary, pg_b, sqlite_dst, "postgres to sqlite")),
        ("refusals", lambda: test_a_cut_or_foreign_file_changes_nothing(binary, tmp)),
    ]:
        try:
            run()
        except Exception:
            import traceback
            traceback.print_exc()
            print("FAIL  " + label)
            failed += 1
    print("backup: %d passed, %d failed" % (3 - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

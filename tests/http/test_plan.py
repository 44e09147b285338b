"""The year's plan over HTTP, on the engine the harness is given: targets
set on the numbers, progress against the pace that meets them, on track
or behind, the year's end at today's pace; past and coming years; bad
targets refused and nothing changed.
    python3 tests/http/test_plan.py BINARY [DATABASE_URL]"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Person, account, assert_eq, assert_in, member, query, run_suite, sql  # noqa: E402


def this_year():
    return time.gmtime(time.time() + 8 * 3600).tm_year


def goal(js, key):
    return [g for g in js["goals"] if g["key"] == key][0]


def test_targets_progress_pace_and_verdicts(s):
    o = account(s, "plan-organizer@example.com", "定计划的人", "organizer")
    year = this_year()
    members = int(query(s, "SELECT count(*) FROM users")[0][0])
    # A target far beyond the year (behind) and one already passed (on track).
    r = o.post("/numbers/plan", {"year": str(year), "members": "1000000", "new_members": "1", "events": ""})
    assert_eq(r.status, 303)
    assert_eq(query(s, "SELECT metric, target FROM plan_goals WHERE year = %d ORDER BY metric" % year),
              [("members", "1000000"), ("new_members", "1")])
    js = o.get("/api/v1/numbers/plan?year=%d" % year).json()
    m = goal(js, "members")
    assert_eq(m["actual"], "{:,}".format(members))
    assert_eq(m["verdict"], "落后")
    assert_in("late", m)
    assert_eq(goal(js, "new_members")["verdict"], "进度正常")
    assert "target" not in goal(js, "events"), "an empty target is no goal"
    assert "projected" in m, "where the year ends at this pace"
    page = o.get("/numbers/plan?lang=en").text
    assert_in("The year&#39;s plan %d" % year, page)
    assert_in("Behind", page)
    assert_in("On track", page)
    assert_in('<rect class="pace"', page)
    # The dashboard's line on it.
    assert_in("1 on track or met, 1 behind or missed", o.get("/numbers?range=7&lang=en").text)
    # A past year is over: met or missed, no projection.
    # (No account here is older than this year.)
    o.post("/numbers/plan", {"year": str(year - 1), "members": "0", "new_members": "5"})
    past = o.get("/api/v1/numbers/plan?year=%d&lang=zh" % (year - 1)).json()
    assert_eq(goal(past, "members")["verdict"], "已达成")
    assert_eq(goal(past, "new_members")["verdict"], "未达成")
    assert "projected" not in goal(past, "members")
    # A coming year: targets only.
    o.post("/numbers/plan", {"year": str(year + 1), "events": "24"})
    coming = o.get("/api/v1/numbers/plan?year=%d&lang=zh" % (year + 1)).json()
    assert_eq(goal(coming, "events")["target"], "24")
    assert "verdict" not in goal(coming, "events")


def test_wrong_targets_are_refused(s):
    o = account(s, "plan-checker@example.com", "查计划的人", "organizer")
    year = this_year()
    o.post("/numbers/plan", {"year": str(year), "events": "12"})
    for fields, message in (({"year": str(year), "events": "-3"}, "目标为 0 或更大的整数"),
                            ({"year": str(year), "events": "十二"}, "目标为 0 或更大的整数"),
                            ({"year": "1900", "events": "3"}, "年份为 2000 到 2100 之间的数字"),
                            ({"year": str(year), "events": "9" * 20}, "目标为 0 或更大的整数")):
        r = o.post("/numbers/plan?lang=zh", fields)
        assert_eq(r.status, 422, fields)
        assert_in(message, r.text, fields)
        if "events" in fields and fields["year"] != "1900":
            assert_in('value="%s"' % fields["events"], r.text, "the target as typed")
            assert_eq(r.text.count('aria-invalid="true"'), 1, "only the wrong target is marked")
    assert_eq(query(s, "SELECT target FROM plan_goals WHERE year = %d AND metric = 'events'" % year), [("12",)])
    assert_eq(o.get("/numbers/plan?year=1800").status, 422)
    assert_eq(member(s, "plan-member@example.com").post("/numbers/plan", {"year": str(year), "events": "1"}).status, 403)
    assert_eq(Person(s).get("/numbers/plan").status, 303)


if __name__ == "__main__":
    sys.exit(run_suite("plan", [v for k, v in list(globals().items()) if k.startswith("test_")]))

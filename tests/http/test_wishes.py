"""The wish wall over HTTP, on the engine the harness is given: posting
(a new member's first wish waits for an organizer), the wishes that look
like one being typed, votes that are exact under a crowd, the status trail
with its mails, the roadmap, comments, the search, and bad input."""
import os
import re
import sys
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(__file__))
from harness import Person, account, assert_eq, assert_in, mail_text, member, query, run_suite, sql  # noqa: E402

SINK = None
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def mail_of(m):
    return "\n".join(mail_text(m))


def mails_to(to, count):
    """The text of every mail to `to` once there are `count` (a Maildir
    lists them in no order)."""
    return "\n----\n".join(mail_of(m) for m in SINK.wait_for(to, count))


def wish_form(**kw):
    f = {"title": "", "body": "", "kind": "kernel", "lang": "zh", "pg_version": "", "title_tr": "", "body_tr": ""}
    f.update(kw)
    return f


def post(p, **kw):
    """Posts a wish; its id and whether it waits for review."""
    r = p.post("/wishes/new", wish_form(**kw))
    assert_eq(r.status, 303, r.body[:300])
    m = re.match(r"/wishes/(\d+)\?(posted|pending)=1$", r.header("Location"))
    assert m, r.header("Location")
    return m.group(1), m.group(2) == "pending"


_n = [0]


def people(s):
    _n[0] += 1
    n = _n[0]
    return (member(s, "wisher%d@example.com" % n, name="许愿者%d" % n),
            account(s, "organizer%d@example.com" % n, "组织者%d" % n, "organizer"))


def let_through(organizer, wid):
    assert_eq(organizer.post("/wishes/%s/review" % wid, {"shown": "visible", "reason": ""}).status, 303)


def votes_of(s, wid):
    """The wish's count and the votes there are."""
    return tuple(int(x) for x in query(s, "SELECT votes, (SELECT count(*) FROM wish_votes v WHERE v.wish_id = w.id) "
                                          "FROM wishes w WHERE id = %s" % wid)[0])


def test_a_first_wish_waits_and_a_similar_one_is_shown_while_typing(s):
    wisher, organizer = people(s)
    wid, waits = post(wisher, title="在线更换哈希分区的模数", body="现在只能**重建表**。")
    assert waits, "a new member's first wish waits"
    assert_eq(Person(s).get("/wishes/%s" % wid).status, 404, "nobody else sees it yet")
    assert_in("组织者看过后", wisher.get("/wishes/%s" % wid).text, "its author does, and is told why")
    assert "在线更换哈希分区的模数" not in Person(s).get("/wishes?sort=new").text
    let_through(organizer, wid)
    page = Person(s).get("/wishes/%s" % wid).text
    assert_in("<strong>重建表</strong>", page, "Markdown")
    assert_in("在线更换哈希分区的模数", Person(s).get("/wishes?sort=new").text)
    second, waits = post(wisher, title="并行创建 BRIN 索引", kind="extension")
    assert not waits, "once one was let through, the next shows at once"
    # While a title is typed: the wishes that share most with it, both languages.
    r = Person(s).get("/api/v1/wishes/similar?q=" + quote("更换哈希分区"))
    assert_eq(r.status, 200)
    assert_eq([w["href"] for w in r.json()["similar"]][:1], ["/wishes/%s" % wid])
    en, _ = post(wisher, title="Logical replication of DDL", lang="en", title_tr="逻辑复制支持 DDL")
    assert_in("/wishes/%s" % en, [w["href"] for w in Person(s).get("/api/v1/wishes/similar?q=" + quote("逻辑复制")).json()["similar"]])
    assert_in("Logical replication of DDL", Person(s).get("/wishes/%s?lang=en" % en).text)
    assert_in("逻辑复制支持 DDL", Person(s).get("/wishes/%s" % en).text, "a Chinese reader gets the translation")
    # The one search finds wishes too.
    r = Person(s).get("/api/v1/search?q=" + quote("哈希分区")).json()
    assert_in("wish", [g["kind"] for g in r["groups"]])
    # An organizer hides one with a reason: gone from the wall, the reason on its page for its author.
    assert_eq(organizer.post("/wishes/%s/review" % second, {"shown": "hidden", "reason": ""}).status, 422)
    assert_eq(organizer.post("/wishes/%s/review" % second, {"shown": "hidden", "reason": "与已有愿望重复"}).status, 303)
    assert_eq(Person(s).get("/wishes/%s" % second).status, 404)
    assert_in("与已有愿望重复", wisher.get("/wishes/%s" % second).text)
    assert_eq(wisher.post("/wishes/%s/review" % wid, {"shown": "hidden", "reason": "x"}).status, 403)


def test_bad_wishes_are_refused_in_the_pages_language_and_change_nothing(s):
    wisher, organizer = people(s)
    before = query(s, "SELECT count(*) FROM wishes")[0][0]
    r = wisher.post("/wishes/new", wish_form(title=""))
    assert_eq(r.status, 422)
    assert_in("4 到 120 个字", r.text)
    r = wisher.post("/wishes/new?lang=en", wish_form(title="x" * 121, body="<script>alert(1)</script>"))
    assert_eq(r.status, 422)
    assert_in("4 to 120 characters", r.text)
    assert "<script>alert(1)" not in r.text, "what was sent comes back escaped"
    assert_eq(wisher.post("/wishes/new", wish_form(title="一个愿望", kind="spaceship")).status, 422)
    assert_eq(wisher.post("/wishes/new", wish_form(title="一个愿望", body_tr="只有正文的翻译")).status, 422)
    assert_eq(Person(s).post("/wishes/new", wish_form(title="没登录的愿望")).status, 401, "signing in comes first")
    assert_eq(query(s, "SELECT count(*) FROM wishes")[0][0], before, "nothing was written")
    # Three wishes an hour at most.
    for i in range(3):
        post(wisher, title="频繁的愿望 %d" % i)
    r = wisher.post("/wishes/new", wish_form(title="第四个愿望"))
    assert_eq(r.status, 429)
    assert r.header("Retry-After")


def test_votes_are_one_per_member_taken_back_and_closed_wishes_take_none(s):
    wisher, organizer = people(s)
    wid, _ = post(wisher, title="投票测试的愿望")
    let_through(organizer, wid)
    voters = [member(s, "voter%d-%s@example.com" % (i, wid), name="投票人%d" % i) for i in range(3)]
    for v in voters:
        assert_eq(v.post("/wishes/%s/vote" % wid, {}).status, 303)
    assert_eq(voters[0].post("/wishes/%s/vote" % wid, {}).status, 303, "a second click")
    assert_eq(votes_of(s, wid), (3, 3), "counted once")
    assert_in("收回我的票", voters[0].get("/wishes/%s" % wid).text)
    assert_eq(voters[0].post("/wishes/%s/unvote" % wid, {}).status, 303)
    assert_eq(voters[0].post("/wishes/%s/unvote" % wid, {}).status, 303)
    assert_eq(votes_of(s, wid), (2, 2))
    # Declined: no more votes (409 with the reason), the count stays.
    assert_eq(organizer.post("/wishes/%s/status" % wid, {"status": "declined", "reason": "", "link": "",
                                                           "shipped_in": ""}).status, 422, "declining says why")
    assert_eq(organizer.post("/wishes/%s/status" % wid, {"status": "declined", "reason": "已有扩展可以做到",
                                                           "link": "", "shipped_in": ""}).status, 303)
    r = voters[0].post("/wishes/%s/vote" % wid, {})
    assert_eq(r.status, 409)
    assert_in("不能再投票", r.text)
    assert_eq(votes_of(s, wid), (2, 2))
    assert_eq(voters[0].post("/wishes/999999/vote", {}).status, 404)
    assert_eq(Person(s).post("/wishes/%s/vote" % wid, {}).status, 401)


def test_a_wish_forwarded_then_implemented_tells_its_followers_and_lands_on_the_roadmap(s):
    wisher, organizer = people(s)
    wid, _ = post(wisher, title="pg_dump 支持并行导出单个大表", title_tr="Parallel pg_dump of one large table")
    let_through(organizer, wid)
    voter = member(s, "roadmap-voter-%s@example.com" % wid, name="投票人")
    english = member(s, "roadmap-en-%s@example.com" % wid, name="Reader")
    sql(s, "UPDATE users SET lang = 'en' WHERE email = 'roadmap-en-%s@example.com'" % wid)
    assert_eq(voter.post("/wishes/%s/vote" % wid, {}).status, 303)
    assert_eq(english.post("/wishes/%s/vote" % wid, {}).status, 303)
    step = {"status": "forwarded", "reason": "", "link": "", "shipped_in": ""}
    assert_eq(wisher.post("/wishes/%s/status" % wid, dict(step, link="https://commitfest.postgresql.org/48/1234/")).status,
              403, "a member does not move a wish")
    r = organizer.post("/wishes/%s/status" % wid, step)
    assert_eq(r.status, 422)
    assert_in("链接", r.text)
    r = organizer.post("/wishes/%s/status" % wid, dict(step, link="javascript:alert(1)"))
    assert_eq(r.status, 422, "a link that is not http(s)")
    assert_eq(query(s, "SELECT status FROM wishes WHERE id = %s" % wid)[0][0], "new", "nothing changed")
    before = {who: len(SINK.messages(who)) for who in (
        "roadmap-voter-%s@example.com" % wid, "roadmap-en-%s@example.com" % wid)}
    assert_eq(organizer.post("/wishes/%s/status" % wid,
                             dict(step, link="https://commitfest.postgresql.org/48/1234/")).status, 303)
    zh = mails_to("roadmap-voter-%s@example.com" % wid, before["roadmap-voter-%s@example.com" % wid] + 1)
    assert_in("已转给开发者", zh)
    assert_in("https://commitfest.postgresql.org/48/1234/", zh)
    en = mails_to("roadmap-en-%s@example.com" % wid, before["roadmap-en-%s@example.com" % wid] + 1)
    assert_in("Forwarded", en)
    assert_in("Parallel pg_dump of one large table", en, "the translation, in the follower's language")
    # The link to stop works without signing in, and only by POST.
    stop = re.search(r"/wishes/stop/[A-Za-z0-9_-]+", en).group(0)
    assert_in("Stop", Person(s).get(stop + "?lang=en").text)
    anon = Person(s)
    anon.get(stop)
    assert_eq(anon.post(stop, {}).status, 200)
    assert_eq(Person(s).get("/wishes/stop/not-a-token").status, 404)
    # Implemented in 17: the version is asked for, the roadmap shows it under 17, no mail to who stopped.
    assert_eq(organizer.post("/wishes/%s/status" % wid, dict(step, status="implemented")).status, 422)
    n_en = len(SINK.messages("roadmap-en-%s@example.com" % wid))
    assert_eq(organizer.post("/wishes/%s/status" % wid, dict(step, status="implemented", shipped_in="17",
                                                             link="https://www.postgresql.org/docs/17/release-17.html")).status, 303)
    assert_in("已在 PostgreSQL 17 实现", mails_to("roadmap-voter-%s@example.com" % wid,
                                                 before["roadmap-voter-%s@example.com" % wid] + 2))
    road = Person(s).get("/wishes/roadmap").text
    assert_in("PostgreSQL 17", road)
    assert road.index("PostgreSQL 17") < road.index("pg_dump 支持并行导出单个大表")
    page = Person(s).get("/wishes/%s" % wid).text
    assert page.count("commitfest.postgresql.org/48/1234/") >= 1 and "已转给开发者" in page, "the trail keeps each step"
    import time
    time.sleep(1.5)
    assert_eq(len(SINK.messages("roadmap-en-%s@example.com" % wid)), n_en, "who said stop hears no more")
    assert_in(str(wid), Person(s).get("/wishes?status=implemented").text)
    # The roadmap's feed: valid Atom, absolute links, the step in each entry's title.
    import xml.etree.ElementTree as ET
    r = Person(s).get("/wishes/roadmap.atom")
    assert_eq(r.status, 200)
    assert_in("application/atom+xml", r.header("Content-Type"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(r.body)
    entries = {e.find("a:id", ns).text: e.find("a:title", ns).text for e in feed.findall("a:entry", ns)}
    link = [k for k in entries if k.endswith("/wishes/%s" % wid)]
    assert link and link[0].startswith("http"), entries
    assert_in("已在 PostgreSQL 17 实现", entries[link[0]])
    assert_in('href="http://127.0.0.1:8080/wishes/roadmap.atom"', road, "the roadmap names its feed")
    en = ET.fromstring(Person(s).get("/wishes/roadmap.atom?lang=en").body)
    assert_in("Implemented in PostgreSQL 17", " ".join(e.find("a:title", ns).text for e in en.findall("a:entry", ns)))
    assert_in("/wishes/%s<" % wid, Person(s).get("/sitemap.xml").text)


def test_a_duplicate_gives_its_votes_and_followers_to_the_wish_it_joins(s):
    wisher, organizer = people(s)
    a, _ = post(wisher, title="合并测试：被合并的愿望")
    let_through(organizer, a)
    b, _ = post(wisher, title="合并测试：留下的愿望")
    both = member(s, "merge-both-%s@example.com" % a, name="两边都投")
    only_a = member(s, "merge-a-%s@example.com" % a, name="只投甲")
    for v in (both, only_a):
        assert_eq(v.post("/wishes/%s/vote" % a, {}).status, 303)
    assert_eq(both.post("/wishes/%s/vote" % b, {}).status, 303)
    step = {"status": "duplicate", "reason": "", "link": "", "shipped_in": ""}
    assert_eq(organizer.post("/wishes/%s/status" % a, dict(step, into=a)).status, 422, "not into itself")
    assert_eq(organizer.post("/wishes/%s/status" % a, dict(step, into="999999")).status, 422, "not into nothing")
    assert_eq(organizer.post("/wishes/%s/status" % a, dict(step, into="")).status, 422, "into what")
    assert_eq(organizer.post("/wishes/%s/status" % a, dict(step, into=b)).status, 303)
    assert_eq(votes_of(s, a), (0, 0))
    # The wisher's own vote on neither, the two voters': the one who voted for both counted once.
    assert_eq(votes_of(s, b), (2, 2), "each member once")
    followers = query(s, "SELECT count(*) FROM wish_followers WHERE wish_id = %s" % b)[0][0]
    assert_eq(int(followers), 3, "the author and both voters follow the wish that stays")
    page = Person(s).get("/wishes/%s" % a).text
    assert_in('href="/wishes/%s"' % b, page, "the duplicate points to it")
    r = only_a.post("/wishes/%s/vote" % a, {})
    assert_eq(r.status, 409, "a duplicate takes no votes")
    r = organizer.post("/wishes/%s/status" % b, dict(step, into=a))
    assert_eq(r.status, 422, "a loop is refused")
    assert_in("不能并入它自己", r.text)
    assert_eq(organizer.post("/wishes/%s/status" % a, dict(step, status="review")).status, 409, "merged is final")
    assert_eq(query(s, "SELECT status, coalesce(duplicate_of, 0) FROM wishes WHERE id = %s" % b)[0], ("new", "0"))


def test_comments_on_a_wish(s):
    wisher, organizer = people(s)
    wid, _ = post(wisher, title="评论测试的愿望")
    let_through(organizer, wid)
    other = member(s, "commenter-%s@example.com" % wid, name="评论者")
    # Following shows on the page at once, kept copies included.
    for _ in range(3):
        assert_in("关注进展", other.get("/wishes/%s" % wid).text)
    assert_eq(other.post("/wishes/%s/follow" % wid, {}).status, 303)
    for _ in range(2):
        page = other.get("/wishes/%s" % wid).text
        assert "关注进展</button>" not in page and "每一步进展的邮件" in page, "the page knows they follow it"
    r = other.post("/wishes/%s/comments" % wid, {"body": "我也需要这个！", "parent": ""})
    assert_eq(r.status, 303)
    assert_in("我也需要这个", other.get("/wishes/%s" % wid).text, "its writer sees it (new members' first comments wait)")


def test_the_wall_sorts_and_filters(s):
    wisher, organizer = people(s)
    a, _ = post(wisher, title="排序测试甲", kind="tool")
    let_through(organizer, a)
    b, _ = post(wisher, title="排序测试乙", kind="docs")
    voters = [member(s, "sort-%d-%s@example.com" % (i, a), name="排序%d" % i) for i in range(2)]
    for v in voters:
        v.post("/wishes/%s/vote" % a, {})
    top = Person(s).get("/wishes?sort=top").text
    assert top.index("排序测试甲") < top.index("排序测试乙"), "more votes first"
    new = Person(s).get("/wishes?sort=new").text
    assert new.index("排序测试乙") < new.index("排序测试甲"), "newest first"
    docs = Person(s).get("/wishes?kind=docs").text
    assert "排序测试乙" in docs and "排序测试甲" not in docs
    assert_eq(Person(s).get("/wishes?sort=sideways").status, 422)
    # The export, to forward to the developers: every shown wish, most votes first, formulas defused.
    post(wisher, title="=HYPERLINK(\"x\") 导出测试")
    r = Person(s).get("/wishes/export.csv")
    assert_eq(r.status, 200)
    assert_in("text/csv", r.header("Content-Type"))
    rows = r.body.decode("utf-8-sig").split("\r\n")
    assert_in("票数", rows[0])
    mine = [row for row in rows if "排序测试甲" in row]
    assert mine and ",2," in mine[0], mine
    assert rows.index(mine[0]) < [i for i, row in enumerate(rows) if "排序测试乙" in row][0], "most votes first"
    assert not any(row.startswith("=") or ",=" in row for row in rows), "a formula never starts a cell"
    assert_in("Wish wall", Person(s).get("/wishes?lang=en").text)


def voter(s, email, role, org=None):
    """A member with a job role, at an organization (its id) if given."""
    v = member(s, email, name="分段会员")
    sql(s, "UPDATE users SET job_role = '%s', org_id = %s WHERE email = '%s'" % (role, org or "NULL", email))
    return v


def org(s, name, category, industry):
    rows = query(s, "INSERT INTO orgs (name_zh, category, industry, created_at) VALUES ('%s', '%s', '%s', %s) RETURNING id"
                 % (name, category, industry, "now()" if s.database.startswith("postgres") else "0"))
    return rows[0][0]


def test_votes_break_down_by_who_voted(s):
    """What DBAs at banks want: a filter of the wall and bar charts on the
    wish, counted from who each voter was when they voted; no voter named."""
    wisher, organizer = people(s)
    a, _ = post(wisher, title="分段测试：逻辑复制支持 DDL")
    let_through(organizer, a)
    b, _ = post(wisher, title="分段测试：更快的 VACUUM")
    bank = org(s, "分段测试银行%s" % a, "user", "bank")
    telco = org(s, "分段测试电信%s" % a, "user", "telecom")
    # A: two DBAs at the bank. B: one DBA at the bank, three developers at the telco.
    for i in range(2):
        assert_eq(voter(s, "seg-a%d-%s@example.com" % (i, a), "dba", bank).post("/wishes/%s/vote" % a, {}).status, 303)
    assert_eq(voter(s, "seg-b0-%s@example.com" % a, "dba", bank).post("/wishes/%s/vote" % b, {}).status, 303)
    devs = [voter(s, "seg-d%d-%s@example.com" % (i, a), "developer", telco) for i in range(3)]
    for d in devs:
        assert_eq(d.post("/wishes/%s/vote" % b, {}).status, 303)
    top = Person(s).get("/wishes?sort=top").text
    assert top.index("分段测试：更快的 VACUUM") < top.index("分段测试：逻辑复制支持 DDL"), "B has more votes"
    r = Person(s).get("/wishes?role=dba&industry=bank")
    assert_eq(r.status, 200)
    page = r.text
    assert page.index("分段测试：逻辑复制支持 DDL") < page.index("分段测试：更快的 VACUUM"), "but DBAs at banks want A"
    assert_in("DBA · 银行", page)
    assert_in('<meter min="0" max="100" value="100">', page, "the most wanted's bar is full")
    dev = Person(s).get("/wishes?role=developer&industry=bank").text
    assert "分段测试" not in dev, "no developer at a bank voted"
    assert_in("分段测试：更快的 VACUUM", Person(s).get("/wishes?role=developer").text)
    assert_in("分段测试：更快的 VACUUM", Person(s).get("/wishes?industry=telecom&category=user").text)
    # The wish's bars: by role, by industry; nobody's name.
    show = Person(s).get("/wishes/%s" % b).text
    assert_in("谁想要它", show)
    chart = show[show.index("谁想要它"):]
    assert_in("开发者", chart)
    assert_in("电信", chart)
    assert "分段会员" not in chart and "seg-d0" not in chart, "individual voters are not shown"
    assert_in("Who wants it", Person(s).get("/wishes/%s?lang=en" % b).text)
    # Taken back: out of the counts; a later change of role does not move a cast vote.
    assert_eq(devs[0].post("/wishes/%s/unvote" % b, {}).status, 303)
    seg = lambda w, k: query(s, "SELECT coalesce(sum(votes), 0) FROM wish_segments WHERE wish_id = %s AND segment = '%s'" % (w, k))[0][0]
    assert_eq(seg(b, "r=developer&i=telecom"), "2")
    sql(s, "UPDATE users SET job_role = 'student' WHERE email = 'seg-d1-%s@example.com'" % a)
    assert_eq(seg(b, "r=developer"), "2", "a vote counts who the voter was when they voted")
    # The export: one column per role, type and industry; the JSON the same.
    rows = Person(s).get("/wishes/export.csv").body.decode("utf-8-sig").split("\r\n")
    head = rows[0].split(",")
    assert "DBA" in head and "银行" in head, head
    row_b = [row for row in rows if "分段测试：更快的 VACUUM" in row][0].split(",")
    assert_eq(row_b[head.index("DBA")], "1")
    assert_eq(row_b[head.index("开发者")], "2")
    j = Person(s).get("/wishes/export.json")
    assert_in("application/json", j.header("Content-Type"))
    entry = [w for w in j.json() if str(w["id"]) == str(b)][0]
    assert_eq(entry["votes_by"]["job_role"], {"dba": 1, "developer": 2})
    assert_eq(entry["votes_by"]["org_industry"], {"bank": 1, "telecom": 2})
    # Merged: the wish it joins counts them all again, each voter once.
    assert_eq(organizer.post("/wishes/%s/status" % b, {"status": "duplicate", "into": a, "reason": "", "link": "",
                                                      "shipped_in": ""}).status, 303)
    assert_eq(seg(a, "r=dba&i=bank"), "3")
    assert_eq(seg(b, "r=dba&i=bank"), "0")
    # Counted again from the votes by the command (as after a load of
    # votes): the same counts and the same trending weight.
    before = query(s, "SELECT id, votes, round(heat * 1000) FROM wishes WHERE id IN (%s, %s) ORDER BY id" % (a, b))
    out = s.run("wishes", "recount").stdout.decode()
    assert_in("counted", out)
    assert_eq(seg(a, "r=dba&i=bank"), "3")
    assert_eq(seg(a, "r=developer"), "2")
    assert_eq(query(s, "SELECT id, votes, round(heat * 1000) FROM wishes WHERE id IN (%s, %s) ORDER BY id" % (a, b)),
              before)
    assert_eq(s.run("wishes", "again", check=False).returncode, 2, "a wrong word is refused")
    # A filter that is not on the list: refused in the page's language.
    r = Person(s).get("/wishes?role=pilot")
    assert_eq(r.status, 422)
    assert_in("职位角色", r.text)


def test_trending_weighs_recent_votes_and_comments(s):
    """An old wish with old votes falls behind a new one, and comes back
    when members vote for it again; comments count, hidden ones do not."""
    wisher, organizer = people(s)
    a, _ = post(wisher, title="热度测试：旧愿望")
    let_through(organizer, a)
    b, _ = post(wisher, title="热度测试：新愿望")
    for i in range(3):
        member(s, "heat-a%d-%s@example.com" % (i, a)).post("/wishes/%s/vote" % a, {})
    member(s, "heat-b-%s@example.com" % a).post("/wishes/%s/vote" % b, {})
    # Sixty days pass for A: it and its votes are that much older, which
    # lowers its heat by 60/7 weeks of halving (the sum's log in weeks).
    back = "interval '60 days'" if s.database.startswith("postgres") else "5184000"
    sql(s, "UPDATE wishes SET created_at = created_at - %s, heat = heat - 60.0 / 7 WHERE id = %s" % (back, a))
    sql(s, "UPDATE wish_votes SET created_at = created_at - %s WHERE wish_id = %s" % (back, a))
    sql(s, "UPDATE cache_versions SET version = version + 1 WHERE name = 'wishes'")
    def order(sort):
        t = Person(s).get("/wishes?sort=%s" % sort).text
        return t.index("热度测试：旧愿望") < t.index("热度测试：新愿望")
    assert order("top"), "A has more votes"
    assert not order("trending"), "but B's are recent"
    for i in range(3):
        member(s, "heat-a-again%d-%s@example.com" % (i, a)).post("/wishes/%s/vote" % a, {})
    assert order("trending"), "three fresh votes bring A back"
    heat = lambda: float(query(s, "SELECT heat FROM wishes WHERE id = %s" % b)[0][0])
    h0 = heat()
    r = organizer.post("/wishes/%s/comments" % b, {"body": "我们也需要", "parent": ""})
    assert_eq(r.status, 303)
    h1 = heat()
    assert h1 > h0 + 0.5, (h0, h1)
    cid = query(s, "SELECT max(id) FROM comments WHERE target_kind = 'wish' AND target_id = %s" % b)[0][0]
    sql(s, "UPDATE comments SET status = 'hidden' WHERE id = %s" % cid)
    assert abs(heat() - h0) < 1e-6, "a hidden comment counts no more"


def test_a_vote_budget_holds_and_gives_votes_back_when_a_wish_closes(s):
    """wish_votes = 2 on a second server sharing the database: a third open
    vote is refused with the reason, and comes back when a wish closes."""
    from harness import Server
    wisher, organizer = people(s)
    ids = []
    for t in ("预算测试一", "预算测试二", "预算测试三"):
        w, _ = post(wisher, title=t)
        if not ids:
            let_through(organizer, w)
        ids.append(w)
    other = Server(s.binary, database=s.database, extra_env={"PGHERD_WISH_VOTES": "2", "PGHERD_SMTP_URL": SINK.url})
    other.start()
    try:
        here = member(s, "budget-%s@example.com" % ids[0])
        there = Person(other)
        there.cookies = dict(here.cookies)
        assert_eq(there.post("/wishes/%s/vote" % ids[0], {}).status, 303)
        assert_in("还剩 1 票", there.get("/wishes/%s" % ids[0]).text)
        assert_eq(there.post("/wishes/%s/vote" % ids[1], {}).status, 303)
        r = there.post("/wishes/%s/vote" % ids[2], {})
        assert_eq(r.status, 409)
        assert_in("2 票都已投出", r.text)
        assert_eq(votes_of(s, ids[2]), (0, 0), "nothing counted")
        r = there.post("/wishes/%s/vote?lang=en" % ids[2], {})
        assert_in("all 2 of your votes", r.text)
        # A second click on a wish already voted for is no new vote.
        assert_eq(there.post("/wishes/%s/vote" % ids[1], {}).status, 303)
        # The first one is implemented: its vote comes back.
        assert_eq(organizer.post("/wishes/%s/status" % ids[0], {"status": "implemented", "shipped_in": "18", "reason": "",
                                                                "link": ""}).status, 303)
        assert_eq(there.post("/wishes/%s/vote" % ids[2], {}).status, 303)
        assert_eq(votes_of(s, ids[2]), (1, 1))
        # The server without a budget (the default) takes any number.
        extra, _ = post(people(s)[0], title="预算测试四")
        let_through(organizer, extra)
        assert_eq(here.post("/wishes/%s/vote" % extra, {}).status, 303)
    finally:
        code = other.stop()
        other.cleanup()
    assert_eq(code, 0, "the second server exited cleanly")


def test_rewards_show_on_the_wish_and_the_members_profile(s):
    wisher, organizer = people(s)
    wid, _ = post(wisher, title="奖励测试：pg_stat_statements 记录计划")
    let_through(organizer, wid)
    helper_email = "reward-helper-%s@example.com" % wid
    member(s, helper_email, name="热心会员")
    give = lambda p, **kw: p.post("/wishes/%s/rewards" % wid, dict({"kind": "tshirt", "note": "", "to": ""}, **kw))
    assert_eq(give(wisher).status, 403, "a member gives no rewards")
    r = give(organizer, to="nobody-%s@example.com" % wid)
    assert_eq(r.status, 422)
    assert_in("没有会员使用这个邮箱", r.text)
    assert_eq(give(organizer, kind="car").status, 422)
    assert_eq(query(s, "SELECT count(*) FROM wish_rewards WHERE wish_id = %s" % wid)[0][0], "0", "nothing recorded")
    assert_eq(give(organizer, note="2026 年会限量款").status, 303)
    assert_eq(give(organizer, kind="book", to=helper_email, note="《PostgreSQL 内核》").status, 303)
    page = Person(s).get("/wishes/%s" % wid).text
    assert_in("限量 T 恤", page)
    assert_in("2026 年会限量款", page)
    assert_in("热心会员", page)
    author = query(s, "SELECT user_id FROM wishes WHERE id = %s" % wid)[0][0]
    # Both show their profiles (a new member's is private until they say).
    sql(s, "UPDATE users SET profile_public = %s WHERE id = %s OR email = '%s'"
        % ("true" if s.database.startswith("postgres") else "1", author, helper_email))
    prof = Person(s).get("/people/%s" % author).text
    assert_in("许愿获得的奖励", prof)
    assert_in("奖励测试：pg_stat_statements 记录计划", prof)
    helper = query(s, "SELECT id FROM users WHERE email = '%s'" % helper_email)[0][0]
    en = Person(s).get("/people/%s?lang=en" % helper).text
    assert_in("Rewards for wishes", en)
    assert_in("Book", en)
    assert int(query(s, "SELECT count(*) FROM audit_log WHERE action = 'wish.reward'")[0][0]) >= 2, "each in the audit log"
    # One given by mistake is withdrawn: gone from the wish and the profile; only organizers may.
    book = query(s, "SELECT id FROM wish_rewards WHERE wish_id = %s AND kind = 'book'" % wid)[0][0]
    withdraw = "/wishes/%s/rewards/%s/withdraw" % (wid, book)
    assert_in(withdraw, organizer.get("/wishes/%s" % wid).text, "the organizer sees the button")
    assert withdraw not in Person(s).get("/wishes/%s" % wid).text, "a visitor does not"
    assert_eq(wisher.post(withdraw, {}).status, 403)
    assert_eq(organizer.post(withdraw, {}).status, 303)
    assert_eq(organizer.post(withdraw, {}).status, 404, "withdrawn once")
    assert_eq(organizer.post("/wishes/%s/rewards/999999/withdraw" % wid, {}).status, 404)
    assert "Book" not in Person(s).get("/people/%s?lang=en" % helper).text
    assert_in("限量 T 恤", Person(s).get("/wishes/%s" % wid).text, "the other stays")
    assert_eq(query(s, "SELECT count(*) FROM audit_log WHERE action = 'wish.reward_withdraw'")[0][0], "1")


def test_two_thousand_members_vote_for_one_wish_within_a_second(s):
    """The vote burst: every member's vote is counted exactly once, no 5xx."""
    import json
    import subprocess
    import time
    from test_rush import members
    wisher, organizer = people(s)
    wid, _ = post(wisher, title="两千人投票的愿望")
    let_through(organizer, wid)
    n = 2000
    path, _ = members(s, n, "vote%s" % wid)
    acked = os.path.join(s.dir, "acked-votes.txt")
    env = dict(os.environ, BURST_CSRF=s.csrf(), BURST_TARGET="wishes/vote")
    t0 = time.time()
    p = subprocess.run([os.path.join(ROOT, "build", "burst"), str(wid), path, "64", acked,
                        "http://127.0.0.1:%d" % s.port], stdout=subprocess.PIPE, check=True, timeout=600, env=env)
    took = time.time() - t0
    out = json.loads(p.stdout.decode())
    assert_eq(out["status"], {"303": n}, "every vote answered, none failed")
    assert_eq(votes_of(s, wid), (n, n), "exact")
    # Again: nothing changes.
    subprocess.run([os.path.join(ROOT, "build", "burst"), str(wid), path, "64", acked,
                    "http://127.0.0.1:%d" % s.port], stdout=subprocess.PIPE, check=True, timeout=600, env=env)
    assert_eq(votes_of(s, wid), (n, n), "a second round of the same clicks counts nothing")
    sys.stderr.write("vote burst: %d votes in %.2f s (%s in the client)\n" % (n, took, out["elapsed_s"]))


if __name__ == "__main__":
    from harness import MailSink
    SINK = MailSink()
    try:
        code = run_suite("wishes", [v for k, v in list(globals().items()) if k.startswith("test_")],
                         env={"PGHERD_SMTP_URL": SINK.url})
    finally:
        SINK.stop()
    sys.exit(code)

"""test_contest.py: the debate and the share-to-win prize draw a salon
keeps in its record, and the numbers of an event and of a series, over
HTTP to the real binary on both engines:
    python3 tests/http/test_contest.py BINARY [DATABASE_URL]

The draw's winners are checked against hashlib's BLAKE2b, not against
pgherd's own code: anyone re-running the draw from the published seed must
get what the page says. The metrics run on a fixture series whose every
answer was worked out by hand (in the comments below)."""
import hashlib
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Person, account, assert_eq, assert_in, query, run_suite  # noqa: E402
from test_api import api, token_for  # noqa: E402
from test_events import new_event  # noqa: E402


def expected_winners(seed, entries, min_likes, prizes):
    """entries: [(no, likes)]; the numbers that win, first prize first."""
    ok = [no for no, likes in entries if likes >= min_likes]
    return sorted(ok, key=lambda no: hashlib.blake2b(("%s:%d" % (seed, no)).encode(), digest_size=32).hexdigest())[:prizes]


def winners(s, draw):
    return [int(x[0]) for x in query(s, "SELECT no FROM prize_entries WHERE draw_id = %d AND rank IS NOT NULL "
                                        "ORDER BY rank" % draw)]


def test_a_debate_with_teams_questions_and_a_winner(s):
    org = account(s, "debate@example.com", "辩论主持", "organizer")
    eid = new_event(org, "辩论赛沙龙", date="2027-04-10")
    other = new_event(org, "另一场", date="2027-04-11")
    assert_eq(org.post("/events/%d/debate" % eid, {"motion": "PostgreSQL 比 MySQL 更适合新业务"}).status, 303)
    r = org.post("/events/%d/teams" % eid, {"name": "", "side": "正方"})
    assert_eq(r.status, 422)
    assert_in("请填写队名", r.text)
    assert_in("value=\"正方\"", r.text)
    assert_eq(org.post("/events/%d/teams" % eid, {"name": "大象队", "side": "正方", "captain": "张三",
                                                 "members": "张三、李四、王五"}).status, 303)
    assert_eq(org.post("/events/%d/teams" % eid, {"name": "海豚队", "side": "反方", "captain": "赵六"}).status, 303)
    r = org.post("/events/%d/teams" % eid, {"name": "大象队"})
    assert_eq(r.status, 409)
    assert_in("已有同名队伍", r.text)
    teams = dict(query(s, "SELECT name, id FROM debate_teams WHERE event_id = %d" % eid))
    assert_eq(sorted(teams), ["大象队", "海豚队"])
    # A question for a team of another event is refused, nothing written.
    theirs = org.post("/events/%d/teams" % other, {"name": "外队"})
    assert_eq(theirs.status, 303)
    outsider = query(s, "SELECT id FROM debate_teams WHERE event_id = %d" % other)[0][0]
    r = org.post("/events/%d/questions" % eid, {"team": outsider, "question": "为什么？", "answer": "因为"})
    assert_eq(r.status, 422)
    assert_in("为什么？", r.text)
    assert_eq(query(s, "SELECT count(*) FROM debate_questions"), [("0",)])
    assert_eq(org.post("/events/%d/questions" % eid, {"team": teams["海豚队"], "question": "MVCC 的膨胀怎么办？",
                                                     "answer": "autovacuum 调优，\n再配合分区。", "kb": "1"}).status, 303)
    assert_eq(org.post("/events/%d/questions" % eid, {"team": teams["大象队"],
                                                     "question": "MySQL 的复制不是更简单吗？"}).status, 303)
    r = org.post("/events/%d/questions" % eid, {"team": teams["大象队"], "question": ""})
    assert_eq(r.status, 422)
    assert_eq(org.post("/events/%d/winner" % eid, {"team": teams["大象队"]}).status, 303)
    assert_eq(org.post("/events/%d/winner" % eid, {"team": teams["海豚队"]}).status, 303)
    assert_eq(query(s, "SELECT name FROM debate_teams WHERE event_id = %d AND won = %s" %
                       (eid, "true" if s.database.startswith("postgres") else "1")), [("海豚队",)])
    assert_eq(org.post("/events/%d/winner" % eid, {"team": outsider}).status, 422)
    q = query(s, "SELECT id FROM debate_questions WHERE question LIKE 'MySQL%'")[0][0]
    assert_eq(org.post("/events/%d/questions/%s/kb" % (eid, q), {"kb": "1"}).status, 303)
    assert_eq(query(s, "SELECT count(*) FROM debate_questions WHERE kb = %s" %
                       ("true" if s.database.startswith("postgres") else "1")), [("2",)])
    assert_eq(org.post("/events/%d/questions/%s/delete" % (other, q), {}).status, 404)
    for lang, words in [("zh", ["辩论赛", "辩题：", "PostgreSQL 比 MySQL 更适合新业务", "获胜", "队长：张三",
                                "MVCC 的膨胀怎么办？", "autovacuum 调优"]),
                        ("en", ["Debate", "Motion:", "Winner", "Captain: 赵六", "Questions and answers"])]:
        page = Person(s).get("/events/%d?lang=%s" % (eid, lang)).text
        for w in words:
            assert_in(w, page)
    # Members may read it, not change it.
    m = Person(s)
    m.signup("debate-member@example.com")
    assert_eq(m.post("/events/%d/teams" % eid, {"name": "捣乱队"}).status, 403)
    assert_eq(org.post("/events/%d/teams/%s/delete" % (eid, teams["大象队"]), {}).status, 303)
    assert_eq(query(s, "SELECT count(*) FROM debate_questions WHERE event_id = %d" % eid), [("1",)])


def test_a_prize_draw_anyone_can_re_run(s):
    org = account(s, "draw@example.com", "抽奖员", "organizer")
    eid = new_event(org, "抽奖沙龙", date="2027-05-15")
    r = org.post("/events/%d/draws" % eid, {"title": "转发集赞抽奖", "min_likes": "24", "prizes": ""})
    assert_eq(r.status, 422)
    assert_in("请列出奖品", r.text)
    r = org.post("/events/%d/draws" % eid, {"title": "转发集赞抽奖", "min_likes": "24",
                                           "prizes": "《PostgreSQL 实战》\nPG 马克杯 ×2"})
    assert_eq(r.status, 303)
    draw = int(query(s, "SELECT id FROM prize_draws WHERE event_id = %d" % eid)[0][0])
    base = "/events/%d/draws/%d" % (eid, draw)
    # A bad line: refused whole, its number named, the text kept.
    pasted = "张三, 32, https://mp.weixin.qq.com/s/a\n李四\t10赞\t截图\n王五 lots"
    r = org.post(base + "/entries", {"list": pasted})
    assert_eq(r.status, 422)
    assert_in("第 3 行无法识别", r.text)
    assert_in("https://mp.weixin.qq.com/s/a", r.text)
    assert_eq(query(s, "SELECT count(*) FROM prize_entries"), [("0",)])
    people = [("张三", 32), ("李四", 10), ("王五", 24), ("赵六", 40), ("钱七", 23), ("孙八", 50), ("周九", 26)]
    r = org.post(base + "/entries", {"list": "\n".join("%s, %d, 截图%d" % (n, l, i) for i, (n, l) in enumerate(people))})
    assert_eq(r.status, 303)
    # Pasting again updates the count, keeps the number.
    assert_eq(org.post(base + "/entries", {"list": "钱七，24赞，新截图"}).status, 303)
    rows = query(s, "SELECT no, name, likes FROM prize_entries WHERE draw_id = %d ORDER BY no" % draw)
    assert_eq([(r[1], int(r[2])) for r in rows][4], ("钱七", 24))
    entries = [(int(r[0]), int(r[2])) for r in rows]
    assert_eq(len(entries), 7)

    seed = "上证指数 2027-05-14 收盘 3125.67"
    r = org.post(base + "/draw", {"seed": seed})
    assert_eq(r.status, 303)
    want = expected_winners(seed, entries, 24, 3)
    assert_eq(winners(s, draw), want)
    prizes = [x[0] for x in query(s, "SELECT prize FROM prize_entries WHERE draw_id = %d AND rank IS NOT NULL "
                                     "ORDER BY rank" % draw)]
    assert_eq(prizes, ["《PostgreSQL 实战》", "PG 马克杯", "PG 马克杯"])
    audit = query(s, "SELECT count(*) FROM audit_log WHERE action = 'event.draw'")
    # The same seed again: the same winners, nothing written.
    version = query(s, "SELECT sum(version) FROM cache_versions WHERE name = 'events'")
    r = org.post(base + "/draw", {"seed": seed})
    assert_eq(r.status, 303)
    assert_in("saved=same", r.header("Location"))
    assert_in("中奖者不变", org.get(r.header("Location")).text)
    assert_eq(winners(s, draw), want)
    assert_eq(query(s, "SELECT sum(version) FROM cache_versions WHERE name = 'events'"), version)
    assert_eq(query(s, "SELECT count(*) FROM audit_log WHERE action = 'event.draw'"), audit)
    # Another seed is refused; so are changes to the frozen entries.
    r = org.post(base + "/draw", {"seed": "另一个种子"})
    assert_eq(r.status, 409)
    assert_in(seed, r.text)
    assert_eq(org.post(base + "/entries", {"list": "新人, 99"}).status, 409)
    assert_eq(winners(s, draw), want)
    # The event page publishes the seed, the winners and every hash.
    page = Person(s).get("/events/%d" % eid).text
    assert_in(seed, page)
    for no in want:
        name = [r[1] for r in rows if int(r[0]) == no][0]
        assert_in(name[0] + "*", page, "a pasted entrant agreed to nothing: masked")
        assert name not in page, "no full name of a pasted entrant in public"
        assert_in(name, org.get("/events/%d/contest" % eid).text, "the organizer sees who won")
        assert_in(hashlib.blake2b(("%s:%d" % (seed, no)).encode(), digest_size=32).hexdigest(), page)
    assert_in("b2sum -l 256", page)
    assert "截图" not in page, "proof is for organizers"
    # Cancelled (audited), then drawn again with another seed.
    assert_eq(org.post(base + "/cancel", {}).status, 303)
    assert_eq(query(s, "SELECT count(*) FROM prize_entries WHERE draw_id = %d AND rank IS NOT NULL" % draw), [("0",)])
    r = org.post(base + "/draw", {"seed": "重抽 2027-05-16"})
    assert_eq(r.status, 303)
    assert_eq(winners(s, draw), expected_winners("重抽 2027-05-16", entries, 24, 3))

    # Nobody reaches the threshold: a clear answer, nothing drawn.
    assert_eq(org.post("/events/%d/draws" % eid, {"title": "高门槛", "min_likes": "1000", "prizes": "键盘"}).status, 303)
    high = int(query(s, "SELECT id FROM prize_draws WHERE title = '高门槛'")[0][0])
    assert_eq(org.post("/events/%d/draws/%d/entries" % (eid, high), {"name": "张三", "likes": "999"}).status, 303)
    r = org.post("/events/%d/draws/%d/draw" % (eid, high), {"seed": "s"})
    assert_eq(r.status, 422)
    assert_in("没有达到 1000 个赞的参与者", r.text)
    assert_eq(query(s, "SELECT coalesce(seed, 'none') FROM prize_draws WHERE id = %d" % high), [("none",)])
    # A draw is another event's: 404.
    other = new_event(org, "别处", date="2027-05-20")
    assert_eq(org.post("/events/%d/draws/%d/draw" % (other, draw), {"seed": seed}).status, 404)

    # Through the API: no seed given, pgherd picks one and says it.
    _, token = token_for(s, "drawapi@example.com", role="organizer")
    r = api(s, "POST", "/api/v1/events/%d/draws" % eid, token, {"title": "API 抽奖", "prizes": "T恤 ×2"})
    assert_eq(r.status, 201, r.text[:500])
    did = r.json()["id"]
    r = api(s, "POST", "/api/v1/events/%d/draws/%d/entries" % (eid, did), token, {"list": "甲, 1\n乙, 2\n丙, 3"})
    assert_eq(r.json(), {"added": 3, "updated": 0})
    r = api(s, "POST", "/api/v1/events/%d/draws/%d/draw" % (eid, did), token, {})
    assert_eq(r.status, 200, r.text[:500])
    body = r.json()
    assert re.fullmatch(r"[0-9a-f]{32}", body["seed"]), body
    got = [w["no"] for w in body["draw"]["winners"]]
    assert_eq(got, expected_winners(body["seed"], [(1, 1), (2, 2), (3, 3)], 0, 2))


def test_members_enter_a_draw_themselves(s):
    """A member enters from the event page with their proof and like
    count, changes it, withdraws; a name an organizer already pasted is
    not claimed; once drawn, nothing changes and the winner is told."""
    org = account(s, "selfdraw@example.com", "抽奖组织者", "organizer")
    eid = new_event(org, "自助抽奖沙龙", date="2027-06-12")
    assert_eq(org.post("/events/%d/draws" % eid, {"title": "转发抽奖", "min_likes": "24", "prizes": "PG 徽章"}).status, 303)
    draw = int(query(s, "SELECT id FROM prize_draws WHERE event_id = %d" % eid)[0][0])
    base = "/events/%d/draws/%d" % (eid, draw)
    entries = lambda: query(s, "SELECT no, coalesce(user_id, 0), name, likes, proof FROM prize_entries "
                               "WHERE draw_id = %d ORDER BY no" % draw)
    # A visitor is offered sign-in; posting without an account changes nothing.
    page = Person(s).get("/events/%d" % eid).text
    assert_in("登录后参加抽奖", page)
    anon = Person(s)
    anon.get("/events/%d" % eid)
    assert_in(anon.post(base + "/enter", {"proof": "x", "likes": "30"}).status, (303, 401, 403))
    assert_eq(entries(), [])
    jia = Person(s)
    assert_eq(jia.signup("jia@example.com", name="会员甲").status, 303)
    uid = query(s, "SELECT id FROM users WHERE email = 'jia@example.com'")[0][0]
    # Bad input: the form comes back filled in, with the reason, nothing written.
    for fields, why in [({"proof": "", "likes": "30"}, "请填写分享的链接或说明"),
                        ({"proof": "https://weibo.example/s/1", "likes": "很多"}, "点赞数请写一个数字"),
                        ({"proof": "x" * 501, "likes": "30"}, "最多 500 字")]:
        r = jia.post(base + "/enter", fields)
        assert_eq(r.status, 422, fields)
        assert_in(why, r.text)
        assert_in("value=\"%s\"" % fields["likes"], r.text)
    assert_eq(entries(), [])
    r = jia.post(base + "/enter", {"proof": "https://weibo.example/s/1", "likes": "30赞"})
    assert_eq(r.status, 303)
    assert_eq(r.header("Location"), "/events/%d?entered=1#draw-%d" % (eid, draw))
    page = jia.get(r.header("Location").split("#")[0]).text  # a browser keeps the fragment to itself
    assert_in("你已参加抽奖，编号 #1", page)
    assert_in("value=\"https://weibo.example/s/1\"", page)
    assert_in("更新我的参与", page)
    assert_eq(entries(), [("1", uid, "会员甲", "30", "https://weibo.example/s/1")])
    # Entering again changes the count and keeps the number.
    # ... and, ticked, lets the public list show the full name.
    assert_eq(jia.post(base + "/enter", {"proof": "https://weibo.example/s/1", "likes": "41", "name_public": "1"}).status,
              303)
    assert_eq(entries(), [("1", uid, "会员甲", "41", "https://weibo.example/s/1")])
    assert_in('name="name_public" value="1" checked', jia.get("/events/%d" % eid).text)
    # The organizer sees who entered themselves.
    assert_in("本人登记", org.get("/events/%d/contest" % eid).text)
    # A name already pasted by an organizer is not taken over.
    assert_eq(org.post(base + "/entries", {"list": "会员乙, 30, 群截图"}).status, 303)
    yi = Person(s)
    assert_eq(yi.signup("yi@example.com", name="会员乙").status, 303)
    r = yi.post(base + "/enter", {"proof": "我的链接", "likes": "35"})
    assert_eq(r.status, 409)
    assert_in("抽奖名单里已有“会员乙”", r.text)
    assert_eq(len(entries()), 2)
    # Withdrawing, then again: nothing left to withdraw.
    bing = Person(s)
    assert_eq(bing.signup("bing@example.com", name="会员丙").status, 303)
    assert_eq(bing.post(base + "/enter", {"proof": "朋友圈截图", "likes": "50"}).status, 303)
    assert_eq(len(entries()), 3)
    r = bing.post(base + "/withdraw", {})
    assert_eq(r.status, 303)
    assert_in("已退出这次抽奖", bing.get(r.header("Location").split("#")[0]).text)
    assert_eq(bing.post(base + "/withdraw", {}).status, 404)
    assert_eq([e[2] for e in entries()], ["会员甲", "会员乙"])
    # Another event's draw through this event: 404.
    other = new_event(org, "别的沙龙", date="2027-06-13")
    assert_eq(jia.post("/events/%d/draws/%d/enter" % (other, draw), {"proof": "x", "likes": "30"}).status, 404)
    # Through the API, with a member's token.
    _, token = token_for(s, "ding@example.com")
    r = api(s, "POST", "/api/v1%s/enter" % base, token, {"proof": "https://x.example/p", "likes": 25})
    assert_eq(r.status, 200, r.text[:300])
    assert_eq(r.json(), {"no": 3, "likes": 25})
    # Drawn: entries are frozen, for members too; the winner is told.
    r = org.post(base + "/draw", {"seed": "自助 2027-06-12"})
    assert_eq(r.status, 303)
    want = expected_winners("自助 2027-06-12", [(1, 41), (2, 30), (3, 25)], 24, 1)
    r = jia.post(base + "/enter", {"proof": "改一下", "likes": "99"})
    assert_eq(r.status, 409)
    assert_in("已经开奖", r.text)
    assert_eq(jia.post(base + "/withdraw", {}).status, 409)
    assert_eq(entries()[0][3], "41")
    assert_eq(want, [1])  # this seed picks 会员甲's entry; checked by hashlib above
    assert_eq(winners(s, draw), want)
    assert_in("恭喜，你中奖了： <strong>PG 徽章</strong>", jia.get("/events/%d" % eid).text)
    assert "恭喜" not in bing.get("/events/%d" % eid).text
    public = Person(s).get("/events/%d" % eid).text
    assert_in("<strong><bdi>会员甲</bdi></strong>", public, "the winner agreed to show the name")
    assert "会员乙" not in public and "会**" in public, "a pasted name is masked"


def t(s, epoch):
    return "to_timestamp(%d)" % epoch if s.database.startswith("postgres") else str(epoch)


DAY = 86400
E1, E2, E3 = 1736485200, 1741582800, 1746853200  # 2025-01-10, 2025-03-10, 2025-05-10, 13:00 UTC


def metrics_fixture(s):
    """A series of three past salons (Beijing, Shanghai, Beijing). People:
    A (an old account), B (account made 2025-01-08), C (made 2025-03-05),
    D and E (old accounts), G (a guest known by phone)."""
    if query(s, "SELECT 1 FROM event_series WHERE slug = 'fixture'"):
        return
    query(s, "INSERT INTO event_series (slug, name_zh, name_en) VALUES ('fixture', '数据沙龙', 'Data salon')")
    query(s, "INSERT INTO cities (name_zh, name_en) VALUES ('北京', 'Beijing') ON CONFLICT DO NOTHING")
    query(s, "INSERT INTO cities (name_zh, name_en) VALUES ('上海', 'Shanghai') ON CONFLICT DO NOTHING")
    query(s, "INSERT INTO channels (kind, name_zh, name_en) VALUES ('wechat_group', '测试群', 'Test group')")
    bj, sh = (query(s, "SELECT id FROM cities WHERE name_zh = '%s'" % c)[0][0] for c in ("北京", "上海"))
    for n, (start, city) in enumerate([(E1, bj), (E2, sh), (E3, bj)], 1):
        query(s, "INSERT INTO events (series_id, seq, title_zh, title_en, city_id, starts_at, ends_at, status, created_at) "
                 "SELECT id, %d, '数据沙龙 %d', 'Data salon %d', %s, %s, %s, 'finished', %s FROM event_series "
                 "WHERE slug = 'fixture'" % (n, n, n, city, t(s, start), t(s, start + 5 * 3600), t(s, start - 30 * DAY)))
    ev = [query(s, "SELECT e.id FROM events e JOIN event_series s ON s.id = e.series_id WHERE s.slug = 'fixture' "
                   "AND e.seq = %d" % n)[0][0] for n in (1, 2, 3)]
    made = {"A": E1 - 400 * DAY, "B": E1 - 2 * DAY, "C": E2 - 5 * DAY, "D": E1 - 200 * DAY, "E": E1 - 300 * DAY}
    user = {}
    for who, at in made.items():
        query(s, "INSERT INTO users (email, display_name, created_at) VALUES ('fixture-%s@example.com', '会员%s', %s)"
              % (who.lower(), who, t(s, at)))
        user[who] = query(s, "SELECT id FROM users WHERE email = 'fixture-%s@example.com'" % who.lower())[0][0]
    group = query(s, "SELECT id FROM channels WHERE name_zh = '测试群'")[0][0]
    links = {}
    for name, e, chan in [("L1", ev[0], group), ("L2", ev[0], "NULL"), ("L3", ev[1], group)]:
        query(s, "INSERT INTO event_links (event_id, code, channel_id, label, created_at) VALUES (%s, 'fx-%s', %s, '%s', %s)"
              % (e, name, chan, "公众号文章" if name == "L2" else "群链接", t(s, E1 - 20 * DAY)))
        links[name] = query(s, "SELECT id FROM event_links WHERE code = 'fx-%s'" % name)[0][0]
    # (event, who, status, came, link); registered a day before each event.
    regs = [(0, "A", "confirmed", 1, "L1"), (0, "B", "confirmed", 1, "L2"), (0, "D", "confirmed", 0, "L1"),
            (0, "E", "waitlisted", 0, None),
            (1, "A", "confirmed", 1, "L3"), (1, "C", "confirmed", 1, "L3"), (1, "G", "confirmed", 1, None),
            (1, "B", "confirmed", 0, None),
            (2, "A", "confirmed", 1, None), (2, "B", "confirmed", 1, None), (2, "G", "confirmed", 1, None),
            (2, "C", "cancelled", 0, None), (2, "D", "confirmed", 0, None)]
    for i, (n, who, status, came, link) in enumerate(regs):
        start = (E1, E2, E3)[n]
        query(s, "INSERT INTO registrations (event_id, user_id, name, phone, status, link_id, ticket, created_at, "
                 "updated_at, checked_in_at) VALUES (%s, %s, '%s', '%s', '%s', %s, 'fx-%d', %s, %s, %s)"
              % (ev[n], user.get(who, "NULL"), who, "13800000001" if who == "G" else "", status,
                 links[link] if link else "NULL", i, t(s, start - DAY), t(s, start - DAY),
                 t(s, start + 600) if came else "NULL"))
    return ev


def test_series_and_event_metrics_on_a_fixture_with_known_answers(s):
    metrics_fixture(s)
    _, token = token_for(s, "metrics@example.com", role="organizer")
    r = api(s, "GET", "/api/v1/series/fixture/metrics", token)
    assert_eq(r.status, 200, r.text[:500])
    m = r.json()
    pick = lambda o: {k: o[k] for k in ("registered", "checked_in", "conversion_pct", "no_shows", "no_show_pct",
                                        "repeat", "new_members", "waitlisted", "cancelled")}
    # Salon 1: A, B came, D did not (E waitlisted); B is new (account two
    # days old, first registration). Salon 2: A, C, G came, B did not; A
    # came before; C is new. Salon 3: A, B, G came, D did not, C cancelled;
    # all three came before (G by phone, at salon 2).
    assert_eq([pick(e) for e in m["events"]], [
        dict(registered=3, checked_in=2, conversion_pct=67, no_shows=1, no_show_pct=33, repeat=0, new_members=1,
             waitlisted=1, cancelled=0),
        dict(registered=4, checked_in=3, conversion_pct=75, no_shows=1, no_show_pct=25, repeat=1, new_members=1,
             waitlisted=0, cancelled=0),
        dict(registered=4, checked_in=3, conversion_pct=75, no_shows=1, no_show_pct=25, repeat=3, new_members=0,
             waitlisted=0, cancelled=1)])
    total = m["total"]
    assert_eq(pick(total), dict(registered=11, checked_in=8, conversion_pct=73, no_shows=3, no_show_pct=27, repeat=4,
                                new_members=2, waitlisted=1, cancelled=1))
    assert_eq((total["people"], total["returning_people"], total["returning_pct"]), (4, 3, 75))
    cities = {c["name"]: pick(c) for c in m["cities"]}
    assert_eq(cities["北京"], dict(registered=7, checked_in=5, conversion_pct=71, no_shows=2, no_show_pct=29, repeat=3,
                                 new_members=1, waitlisted=1, cancelled=1))
    assert_eq(cities["上海"], dict(registered=4, checked_in=3, conversion_pct=75, no_shows=1, no_show_pct=25, repeat=1,
                                 new_members=1, waitlisted=0, cancelled=0))
    chans = {c["name"]: pick(c) for c in m["channels"]}
    assert_eq(sorted(chans), ["公众号文章", "测试群", "直接报名（无渠道链接）"])
    assert_eq(chans["测试群"], dict(registered=4, checked_in=3, conversion_pct=75, no_shows=1, no_show_pct=25, repeat=1,
                                  new_members=1, waitlisted=0, cancelled=0))
    assert_eq(chans["公众号文章"], dict(registered=1, checked_in=1, conversion_pct=100, no_shows=0, no_show_pct=0,
                                   repeat=0, new_members=1, waitlisted=0, cancelled=0))
    assert_eq(chans["直接报名（无渠道链接）"], dict(registered=6, checked_in=4, conversion_pct=67, no_shows=2,
                                         no_show_pct=33, repeat=3, new_members=0, waitlisted=1, cancelled=1))
    # One event alone: its own channels.
    second = m["events"][1]["id"]
    one = api(s, "GET", "/api/v1/events/%d/metrics" % second, token).json()
    assert_eq(pick(one["total"]), pick(m["events"][1]) | {})
    assert_eq(sorted(c["name"] for c in one["channels"]), ["测试群", "直接报名（无渠道链接）"])
    # The pages, in both languages; organizers only.
    org = account(s, "metrics-page@example.com", "数据员", "organizer")
    zh = org.get("/series/fixture/metrics").text
    for w in ["活动数据", "各城市", "北京", "上海", "测试群", "73%", "回头客"]:
        assert_in(w, zh)
    en = org.get("/series/fixture/metrics?lang=en").text
    for w in ["Numbers", "By city", "Beijing", "Test group", "Direct (no channel link)", "Conversion", "73%"]:
        assert_in(w, en)
    assert_in("75%", org.get("/events/%d/metrics" % second).text)
    anon = Person(s).get("/series/fixture/metrics")
    assert_eq(anon.status, 303)
    assert_in("/login", anon.header("Location"))
    m2 = Person(s)
    m2.signup("metrics-member@example.com")
    assert_eq(m2.get("/series/fixture/metrics").status, 403)
    assert_eq(org.get("/series/no-such-series/metrics").status, 404)
    # An event's page does not count people "more than once" within itself.
    assert "来过不止一次" not in org.get("/events/%d/metrics?lang=zh" % second).text
    # A salon still to come has no attendance yet (not 0%), and leaves the
    # series' rate alone; a past one with nothing published says so.
    import time
    soon = int(time.time()) + 20 * DAY
    for n, start, status in [(4, soon, "open"), (5, E3 + 10 * DAY, "finished")]:
        query(s, "INSERT INTO events (series_id, seq, title_zh, title_en, starts_at, ends_at, status, created_at) "
                 "SELECT id, %d, '数据沙龙 %d', 'Data salon %d', %s, %s, '%s', %s FROM event_series WHERE slug = 'fixture'"
              % (n, n, n, t(s, start), t(s, start + 3600), status, t(s, E1)))
    coming = query(s, "SELECT e.id FROM events e JOIN event_series x ON x.id = e.series_id "
                      "WHERE x.slug = 'fixture' AND e.seq = 4")[0][0]
    for i, who in enumerate(["fixture-a@example.com", "fixture-b@example.com"]):
        query(s, "INSERT INTO registrations (event_id, user_id, name, phone, status, ticket, created_at, updated_at) "
                 "SELECT %s, id, 'x', '', 'confirmed', 'fx-soon-%d', %s, %s FROM users WHERE email = '%s'"
              % (coming, i, t(s, E3), t(s, E3), who))
    upcoming = api(s, "GET", "/api/v1/events/%s/metrics" % coming, token).json()["total"]
    assert_eq((upcoming["registered"], upcoming["conversion_pct"], upcoming["conversion_text"]), (2, None, "—"))
    series = api(s, "GET", "/api/v1/series/fixture/metrics", token).json()["total"]
    assert_eq((series["registered"], series["conversion_pct"]), (13, 73), "the salon to come is not a 0")
    page = org.get("/series/fixture/metrics?lang=zh").text
    assert_in("也没有公布数字", page)
    assert "公布数字：</td>" not in page


if __name__ == "__main__":
    sys.exit(run_suite("contest", [v for k, v in list(globals().items()) if k.startswith("test_")]))

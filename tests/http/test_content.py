"""test_content.py: what the community publishes: a member's draft, the
editors' review and publication (now or at a time), every version kept,
both languages with a marked fallback, sponsored articles marked wherever
they show, the lists, the feeds and the sitemap; and bad input refused
with a message, changing nothing.
    python3 tests/http/test_content.py BINARY [DATABASE_URL]"""
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Person, account, beside, assert_eq, heard, assert_in, member, query, run_suite, sql  # noqa: E402

ATOM = "{http://www.w3.org/2005/Atom}"


def article_form(**kw):
    f = {"kind": "article", "title_zh": "", "title_en": "", "summary_zh": "", "summary_en": "", "body_zh": "",
         "body_en": "", "media": "text", "media_url": "", "original_url": "", "sponsor": "", "event": "", "tags": "",
         "authors": "", "orgs": ""}
    f.update(kw)
    return f


def write(p, **kw):
    """A new draft by p; its id."""
    r = p.post("/articles/new", article_form(**kw))
    assert_eq(r.status, 303, r.body[:400])
    m = re.match(r"/articles/(\d+)\?saved=1$", r.header("Location"))
    assert m, r.header("Location")
    return m.group(1)


def publish(s, editor, aid, **when):
    r = editor.post("/articles/%s/publish" % aid, dict({"date": "", "time": ""}, **when))
    assert_eq(r.status, 303, r.body[:300])


_n = [0]


def people(s):
    _n[0] += 1
    n = _n[0]
    return (member(s, "writer%d@example.com" % n, name="作者%d" % n),
            account(s, "editor%d@example.com" % n, "编辑%d" % n, "editor"))


def test_a_draft_goes_through_review_to_the_public(s):
    writer, editor = people(s)
    co = member(s, "coauthor@example.com", name="合著者")
    ev = query(s, "SELECT id FROM events WHERE status <> 'draft' ORDER BY id LIMIT 1")[0][0]
    aid = write(writer, title_zh="分区表实践", summary_zh="大表分区的经验", body_zh="# 分区\n\n按月分区。\n\n```sql\nSELECT 1;\n```\n",
                tags="分区, 索引 PG16", event=ev, authors="coauthor@example.com", industries="bank", orgs="阿里巴巴、华为")
    visitor = Person(s)
    assert_eq(visitor.get("/articles/" + aid).status, 404, "a draft is not public")
    assert_eq(member(s, "stranger@example.com").get("/articles/" + aid).status, 404, "nor another member's")
    page = writer.get("/articles/" + aid).text
    assert_in("分区表实践", page)
    assert_in('class="language-sql"', page, "fenced code keeps its language")
    assert_in("合著者", page, "the co-author is named")
    assert_eq(co.get("/articles/" + aid).status, 200, "a co-author sees the draft")
    alibaba = query(s, "SELECT id FROM orgs WHERE name_zh = '阿里巴巴'")[0][0]
    assert_in('href="/orgs/%s"' % alibaba, page, "the organizations it is about")
    assert_in("阿里巴巴", writer.get("/articles/%s/edit" % aid).text, "and the form reads them back")
    # Submitted, commented on, sent back, changed, submitted again.
    assert_eq(writer.post("/articles/%s/submit" % aid, {"body": "请审阅"}).status, 303)
    assert_in("分区表实践", editor.get("/articles/review").text, "the editors' queue has it")
    assert_eq(editor.post("/articles/%s/comment" % aid, {"action": "changes", "body": "请补充监控部分"}).status, 303)
    assert_eq(query(s, "SELECT status FROM articles WHERE id = %s" % aid), [("changes",)])
    assert_in("请补充监控部分", writer.get("/articles/" + aid).text, "the author reads the editor's note")
    form = writer.get("/articles/%s/edit" % aid).text
    assert_in('name="version" value="1"', form)
    r = writer.post("/articles/%s/edit" % aid, article_form(title_zh="分区表实践", summary_zh="大表分区的经验",
                    body_zh="# 分区\n\n按月分区。\n\n## 监控\n\n看 pg_stat_user_tables。\n", tags="分区 索引 pg16",
                    event=ev, authors="coauthor@example.com", industries="bank", orgs="阿里巴巴", version="1"))
    assert_eq(r.status, 303, r.body[:300])
    assert_eq(query(s, "SELECT version FROM articles WHERE id = %s" % aid), [("2",)])
    assert_eq(writer.post("/articles/%s/submit" % aid, {"body": ""}).status, 303)
    # A member cannot publish; an editor can.
    assert_eq(writer.post("/articles/%s/publish" % aid, {"date": "", "time": ""}).status, 403)
    publish(s, editor, aid)
    assert_eq(query(s, "SELECT count(*) FROM audit_log WHERE action = 'article.publish' AND target = 'article:%s'" % aid),
              [("1",)], "the audit log has the publication")
    page = visitor.get("/articles/" + aid).text
    assert_in("<h1 lang=\"zh-CN\">分区表实践</h1>", page)
    assert_in('<link rel="canonical" href="http', page)
    assert_in('property="og:type" content="article"', page)
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1))
    assert_eq(ld["@type"], "Article")
    assert_eq(ld["headline"], "分区表实践")
    assert_eq([a["name"] for a in ld["author"]], ["作者%d" % _n[0], "合著者"])
    assert "请补充监控部分" not in page, "the review is not public"
    # Lists, by kind and by tag, the event page, the sitemap.
    assert_in("分区表实践", visitor.get("/articles").text)
    assert_in("分区表实践", visitor.get("/articles?kind=article").text)
    assert "分区表实践" not in visitor.get("/articles?kind=news").text
    assert_in("分区表实践", visitor.get("/articles?tag=" + quote("分区")).text)
    assert_in("分区表实践", visitor.get("/articles?tag=PG16").text, "tags are case-blind")
    assert_in('href="/articles/%s"' % aid, visitor.get("/events/" + ev).text, "the event page links back")
    assert_in('href="/articles/%s"' % aid, visitor.get("/orgs/%s" % alibaba).text, "and the organization's page")
    assert_in("/articles/%s</loc>" % aid, visitor.get("/sitemap.xml").text)
    # Both versions kept, and what changed between them.
    v = writer.get("/articles/%s/versions?v=2" % aid).text
    assert_in('<span class="add">+ ## 监控</span>', v)
    assert visitor.get("/articles/%s/versions" % aid).status in (303, 401), "versions are for authors and editors"
    assert_eq(member(s, "nosy@example.com").get("/articles/%s/versions" % aid).status, 403)


def test_feeds_are_valid_with_absolute_links_and_dates(s):
    writer, editor = people(s)
    aid = write(writer, kind="news", title_zh="社区新闻 <b>&", body_zh="正文 **加粗** <script>alert(1)</script>",
                tags="社区")
    publish(s, editor, aid)
    for _ in range(3):  # the third is the kept copy
        rss = Person(s).get("/articles/feed.rss?kind=news")
        assert_eq(rss.header("Content-Type"), "application/rss+xml; charset=utf-8")
    ch = ET.fromstring(rss.body).find("channel")
    item = [i for i in ch.findall("item") if i.findtext("link").endswith("/articles/" + aid)][0]
    assert_eq(item.findtext("title"), "社区新闻 <b>&", "escaped once, read back as typed")
    assert item.findtext("link").startswith("http"), "absolute links"
    assert re.match(r"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0000$", item.findtext("pubDate"))
    assert_in("<strong>加粗</strong>", item.findtext("description"))
    assert "<script>" not in item.findtext("description"), "no raw HTML from Markdown"
    atom = Person(s).get("/articles/feed.atom?tag=" + quote("社区") + "&lang=en")
    assert_eq(atom.header("Content-Type"), "application/atom+xml; charset=utf-8")
    feed = ET.fromstring(atom.body)
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", feed.findtext(ATOM + "updated"))
    entry = feed.find(ATOM + "entry")
    assert_eq(entry.find(ATOM + "link").get("href").split("/articles/")[1], aid)
    assert entry.findtext(ATOM + "id").startswith("http")
    assert_eq(entry.find(ATOM + "content").get("type"), "html")
    # A feed of a tag nobody used is a 404 that says so, in the page's language.
    r = Person(s).get("/articles/feed.rss?tag=nosuchtag&lang=en")
    assert_eq(r.status, 404)
    assert_in("No article has this tag", r.text)
    assert_eq(Person(s).get("/articles/feed.atom?kind=spaceship").status, 422)


def test_a_sponsored_article_is_marked_wherever_it_shows(s):
    writer, editor = people(s)
    f = article_form(kind="sponsored", title_zh="某数据库一体机发布", body_zh="详见 [官网](https://example.com/buy)")
    r = writer.post("/articles/new", f)
    assert_eq(r.status, 422, "a sponsored article names its sponsor")
    assert_in("赞助文章必须写明赞助机构", r.text)
    assert_in("某数据库一体机发布", r.text, "the form comes back filled")
    r = writer.post("/articles/new", dict(f, sponsor="没有这个公司"))
    assert_eq(r.status, 422)
    assert_in("机构名录里没有这个机构", r.text)
    org = query(s, "SELECT id, name_zh FROM orgs ORDER BY id LIMIT 1")[0]
    aid = write(writer, **dict(f, sponsor=org[1]))
    publish(s, editor, aid)
    page = Person(s).get("/articles/" + aid).text
    assert_in('<span class="badge paid">赞助内容</span>', page)
    assert_in('href="/orgs/%s" rel="sponsored"' % org[0], page)
    assert_in('<a rel="sponsored nofollow" href="https://example.com/buy"', page, "the body's links are paid ones")
    assert_in('"@type":"AdvertiserContentArticle"', page)
    assert_in('badge paid', Person(s).get("/articles").text, "marked in the list")
    rss = ET.fromstring(Person(s).get("/articles/feed.rss").body)
    titles = [i.findtext("title") for i in rss.find("channel").findall("item")]
    assert_in("[赞助内容] 某数据库一体机发布", titles, "and in the feed")


def test_each_reader_gets_their_language_or_a_marked_fallback(s):
    writer, editor = people(s)
    both = write(writer, title_zh="逻辑复制", title_en="Logical replication", body_zh="中文正文", body_en="English text")
    zh_only = write(writer, title_zh="只有中文", body_zh="中文")
    en_only = write(writer, title_en="English only", body_en="Just English")
    for a in (both, zh_only, en_only):
        publish(s, editor, a)
    v = Person(s)
    en = v.get("/articles/%s?lang=en" % both).text
    assert_in('<h1 lang="en">Logical replication</h1>', en)
    assert_in("English text", en)
    assert_in('href="/articles/%s?lang=zh" lang="zh-CN"' % both, en, "a switch to the other language")
    fb = v.get("/articles/%s?lang=en" % zh_only).text
    assert_in('<h1 lang="zh-CN">只有中文</h1>', fb, "the Chinese, marked as Chinese")
    assert_in("not written in your language yet", fb)
    fb = v.get("/articles/%s?lang=zh" % en_only).text
    assert_in('<h1 lang="en">English only</h1>', fb, "an English-only piece on a Chinese page")
    assert_in("还没有你所用语言的版本", fb)
    lst = v.get("/articles?lang=en").text
    assert_in('lang="zh-CN" class="fallback"', lst, "lists mark the fallback too")


def test_scheduled_articles_wait_for_their_time(s):
    writer, editor = people(s)
    aid = write(writer, title_zh="定时发布的文章", body_zh="正文")
    r = editor.post("/articles/%s/publish" % aid, {"date": "2020-01-01", "time": "08:00"})
    assert_eq(r.status, 422, "a time in the past")
    assert_in("定时发布的时间必须在将来", r.text)
    assert_eq(query(s, "SELECT status FROM articles WHERE id = %s" % aid), [("draft",)], "nothing changed")
    publish(s, editor, aid, date="2099-01-01", time="08:00")
    assert_eq(Person(s).get("/articles/" + aid).status, 404, "not yet")
    assert "定时发布的文章" not in Person(s).get("/articles").text
    assert_in("定时发布", editor.get("/articles/review").text, "the queue shows what is scheduled")
    # Its time comes (moved behind the server's back): it is out.
    if s.database.startswith("postgres"):
        sql(s, "UPDATE articles SET publish_at = now() - interval '1 minute' WHERE id = %s" % aid)
    else:
        sql(s, "UPDATE articles SET publish_at = strftime('%%s', 'now') - 60 WHERE id = %s" % aid)
    assert_eq(Person(s).get("/articles/" + aid).status, 200)
    assert_in("定时发布的文章", Person(s).get("/articles").text)


def test_bad_input_is_refused_and_changes_nothing(s):
    writer, editor = people(s)
    other = member(s, "other-writer@example.com")
    before = query(s, "SELECT count(*) FROM articles")
    r = writer.post("/articles/new", article_form(title_zh="长" * 201))
    assert_eq(r.status, 422)
    assert_in("标题最长 200 个字符", r.text)
    r = writer.post("/articles/new", article_form(title_zh="", title_en=""))
    assert_eq(r.status, 422)
    assert_in("请至少写一个标题", r.text)
    r = writer.post("/articles/new", article_form(title_zh="t", tags="<script>"))
    assert_eq(r.status, 422)
    assert_in("标签最多 10 个", r.text)
    r = writer.post("/articles/new", article_form(title_zh="t", kind="translation"))
    assert_eq(r.status, 422, "a translation needs its original")
    r = writer.post("/articles/new", article_form(title_zh="t", event="999999"))
    assert_eq(r.status, 422)
    r = writer.post("/articles/new", article_form(title_zh="t", orgs="没有这家公司"))
    assert_eq(r.status, 422)
    assert_in("机构名录里没有“没有这家公司”", r.text)
    r = writer.post("/articles/new", article_form(title_zh="t", authors="nobody@example.com"))
    assert_eq(r.status, 422)
    assert_in("nobody@example.com", r.text)
    r = writer.post("/articles/new", article_form(title_zh="t", body_zh="x" * 100001))
    assert_eq(r.status, 422)
    assert_eq(query(s, "SELECT count(*) FROM articles"), before, "nothing was written")
    # Script in the title and Markdown is shown as text, never run.
    aid = write(writer, title_zh="<script>alert(1)</script>标题", body_zh="[点我](javascript:alert(1)) <img src=x onerror=alert(1)>")
    page = writer.get("/articles/" + aid).text
    assert "<script>alert(1)</script>标题" not in page
    assert_in("&lt;script&gt;alert(1)&lt;/script&gt;标题", page)
    assert 'href="javascript:' not in page and "<img src=x onerror" not in page, "raw HTML is left out"
    # Another person's draft, and an editor's step by a member.
    assert_eq(other.get("/articles/%s/edit" % aid).status, 404, "they cannot even see it")
    assert_eq(other.post("/articles/%s/edit" % aid, article_form(title_zh="改了")).status, 404)
    assert_eq(writer.post("/articles/%s/unpublish" % aid, {"body": ""}).status, 403)
    assert_eq(writer.post("/articles/%s/comment" % aid, {"action": "changes", "body": "x"}).status, 403)
    assert_eq(query(s, "SELECT title_zh, status FROM articles WHERE id = %s" % aid), [("<script>alert(1)</script>标题", "draft")])
    # A save from a form opened before someone else's save.
    assert_eq(editor.post("/articles/%s/edit" % aid, article_form(title_zh="编辑改过", version="1")).status, 303)
    r = writer.post("/articles/%s/edit" % aid, article_form(title_zh="作者的旧表单", version="1"))
    assert_eq(r.status, 409)
    assert_in("有人在你打开页面后保存过这篇文章", r.text)
    assert_in("作者的旧表单", r.text, "what they sent is kept on the page")
    assert_eq(query(s, "SELECT title_zh FROM articles WHERE id = %s" % aid), [("编辑改过",)])
    # Publishing an empty white paper, and a comment with nothing in it.
    wp = write(writer, kind="whitepaper", title_zh="白皮书", summary_zh="摘要")
    r = editor.post("/articles/%s/publish" % wp, {"date": "", "time": ""})
    assert_eq(r.status, 409)
    assert_in("白皮书需要先上传 PDF", r.text)
    r = editor.post("/articles/%s/comment" % wp, {"action": "comment", "body": ""})
    assert_eq(r.status, 422)
    assert_in("请写下留言内容", r.text)
    assert_eq(Person(s).get("/articles?tag=nosuchtag").status, 404)


def test_comments_with_replies_review_hiding_and_a_rate_limit(s):
    writer, editor = people(s)
    aid = write(writer, title_zh="评论测试文章", body_zh="正文")
    draft = write(writer, title_zh="还没发布的文章", body_zh="正文")
    publish(s, editor, aid)
    newbie = member(s, "newbie@example.com", name="新会员")
    # Not on an unpublished article, not without signing in.
    r = newbie.post("/articles/%s/comments" % draft, {"body": "抢先评论"})
    assert_eq(r.status, 404, "a draft is not there for them")
    r = Person(s).post("/articles/%s/comments" % aid, {"body": "游客评论"})
    assert r.status in (303, 401) and "/login" in (r.header("Location") or "/login"), r.status
    # A new member's first comment waits; they see it, a visitor does not.
    r = newbie.post("/articles/%s/comments" % aid, {"body": "第一条评论 <script>x</script>"})
    assert_eq(r.status, 303)
    assert_in("comment=pending", r.header("Location"))
    cid = re.search(r"#comment-(\d+)", r.header("Location")).group(1)
    assert_in("等待审核", newbie.get("/articles/" + aid).text)
    assert "第一条评论" not in Person(s).get("/articles/" + aid).text
    assert_in("第一条评论", editor.get("/comments/review").text, "the editors' queue has it")
    assert_eq(newbie.post("/comments/%s/approve" % cid, {"next": ""}).status, 403, "members do not moderate")
    assert_eq(editor.post("/comments/%s/approve" % cid, {"next": "/articles/%s" % aid}).status, 303)
    page = Person(s).get("/articles/" + aid).text
    assert_in("第一条评论 &lt;script&gt;x&lt;/script&gt;", page, "shown, as text")
    # Once one was let through, theirs go straight up; a reply, one level deep.
    r = newbie.post("/articles/%s/comments" % aid, {"body": "第二条"})
    assert_in("comment=posted", r.header("Location"))
    r = editor.post("/articles/%s/comments" % aid, {"body": "谢谢反馈", "parent": cid})
    assert_eq(r.status, 303)
    reply = re.search(r"#comment-(\d+)", r.header("Location")).group(1)
    r = newbie.post("/articles/%s/comments" % aid, {"body": "回复的回复", "parent": reply})
    assert_eq(r.status, 422, "threads are one level deep")
    assert_in("要回复的评论不在这里", r.text)
    page = Person(s).get("/articles/" + aid).text
    assert re.search(r'id="comment-%s".*?<ol class="replies"><li class="comment" id="comment-%s"' % (cid, reply), page, re.S), \
        "the reply sits under the comment it answers"
    # An editor hides one with a reason: the reason shows, the text does not.
    assert_eq(editor.post("/comments/%s/hide" % reply, {"reason": "", "next": ""}).status, 422, "a reason is needed")
    assert_eq(editor.post("/comments/%s/hide" % reply, {"reason": "与主题无关", "next": "/articles/%s" % aid}).status, 303)
    page = Person(s).get("/articles/" + aid).text
    assert_in("此评论已被编辑隐藏： 与主题无关", page)
    assert "谢谢反馈" not in page
    assert_eq(query(s, "SELECT count(*) FROM audit_log WHERE action = 'comment.hidden'"), [("1",)])
    # Empty and oversized comments, and too many too fast.
    assert_eq(newbie.post("/articles/%s/comments" % aid, {"body": " "}).status, 422)
    assert_eq(newbie.post("/articles/%s/comments" % aid, {"body": "长" * 2001}).status, 422)
    codes = [newbie.post("/articles/%s/comments" % aid, {"body": "刷屏 %d" % i}).status for i in range(5)]
    assert_eq(codes[-1], 429, "a member posts at most 5 in 10 minutes: %r" % codes)
    assert_in("评论太频繁", newbie.post("/articles/%s/comments" % aid, {"body": "再来"}).text)


def found(s, q, kind=None, who=None):
    """What /api/v1/search finds for q: {kind: [titles]}."""
    r = (who or Person(s)).get("/api/v1/search?q=" + quote(q) + ("&kind=" + kind if kind else ""))
    assert_eq(r.status, 200, q)
    return {g["kind"]: [i["title"] for i in g["items"]] for g in r.json().get("groups", [])}


def test_one_search_finds_two_character_chinese_in_titles_and_bodies(s):
    writer, editor = people(s)
    a = write(writer, title_zh="分区表的索引设计", body_zh="在邮储银行的核心系统里，我们用 BRIN 索引管理时间序列。",
              title_en="Index design for partitioned tables", body_en="We use BRIN indexes for time series.")
    b = write(writer, title_zh="一次升级的复盘", body_zh="从 14 升到 16，pg_upgrade 用了 8 分钟，分区表没有问题。<script>x</script>")
    hidden = write(writer, title_zh="草稿里的分区", body_zh="分区")
    for x in (a, b):
        publish(s, editor, x)
    got = found(s, "分区")
    titles = got.get("article", [])
    body_match = titles.index("一次升级的复盘")
    assert "分区表的索引设计" in titles[:body_match] and all("分区" in t for t in titles[:body_match]), \
        "title matches before a text match: %r" % titles
    assert "草稿里的分区" not in got.get("article", []), "drafts are not found"
    assert_eq(found(s, "邮储")["article"], ["分区表的索引设计"], "two characters inside a body")
    assert_in("邮储银行", found(s, "邮储").get("org", []), "and the organization of that name, in its own group")
    assert_eq(found(s, "索")["article"], ["分区表的索引设计"], "one character")
    assert_eq(found(s, "升级的复盘")["article"], ["一次升级的复盘"], "five characters")
    assert_eq(found(s, "级的复升").get("article"), None, "its pairs in another order are not a match")
    assert_eq(found(s, "brin")["article"], ["分区表的索引设计"], "English, any case")
    assert_in("分区表的索引设计", found(s, "partition")["article"], "an English word by its beginning")
    assert_in("天天象上", " ".join(found(s, "天天象上").get("event", [])), "events are searched too")
    md = write(writer, title_zh="带图的文章", body_zh="图前 ![一张图](/files/abc/m) 和 [一个链接](https://example.com) 之后的萃取")
    publish(s, editor, md)
    snippet = Person(s).get("/api/v1/search?q=" + quote("萃取")).json()["groups"][0]["items"][0]["snippet_html"]
    assert "](" not in snippet and "一个链接" in snippet and "一张图" not in snippet, snippet
    # The snippet is escaped and marks the match; English readers get the English title.
    r = Person(s).get("/search?q=" + quote("升到") + "&lang=en").text
    assert_in("<mark>升到</mark>", r)
    assert "<script>x" not in r and "&lt;script&gt;x" in r
    assert_eq(found(s, "brin", who=Person(s))["article"], ["分区表的索引设计"])
    en = Person(s).get("/api/v1/search?q=brin&lang=en").json()
    assert_eq(en["groups"][0]["items"][0]["title"], "Index design for partitioned tables")
    # Taken down: gone; changed behind the server's back: found as it is now.
    assert_eq(editor.post("/articles/%s/unpublish" % b, {"body": ""}).status, 303)
    assert_eq(found(s, "复盘").get("article"), None)
    sql(s, "UPDATE orgs SET name_zh = '邮政储蓄测试行' WHERE name_zh = '邮储银行'")
    assert_in("邮政储蓄测试行", found(s, "储蓄").get("org", []), "a change made by another process is found")
    sql(s, "UPDATE orgs SET name_zh = '邮储银行' WHERE name_zh = '邮政储蓄测试行'")
    # One kind, a page of it; bad input.
    assert_eq(list(found(s, "分区", kind="article")), ["article"])
    assert_eq(Person(s).get("/search?q=x&kind=spaceship").status, 422)
    assert_eq(Person(s).get("/search?q=" + quote("长" * 101)).status, 422)
    assert_in("没有找到", Person(s).get("/search?q=" + quote("！！！")).text)
    del hidden


def test_search_finds_old_pieces_past_the_newest_and_pages_in_order(s):
    """The search looks at a kind's newest pieces first (PostgreSQL reads
    a window of them before asking the index for older ones; SQLite walks
    its index newest first): a word only an old piece has is still found,
    title matches still come first, and pages of one kind run newest to
    oldest with nothing lost or shown twice. 1,200 pieces at once also
    take the path that tidies the indexes after a bulk."""
    created = "now()" if s.database.startswith("postgres") else "strftime('%s', 'now')"
    sql(s, """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
              INSERT INTO kb_entries (question_zh, answer_zh, created_at, updated_at)
              SELECT '条目' || i || CASE WHEN i IN (2, 1190) THEN '：标题词' ELSE '' END,
                     CASE WHEN i > 1100 THEN '通用的回答。' ELSE '别的回答。' END
                     || CASE WHEN i = 3 THEN '只有这里有稀罕的说法。' WHEN i = 1150 THEN '正文里的标题词。' ELSE '' END,
                     %s, %s FROM n""" % (created, created))
    assert_eq(found(s, "稀罕")["kb"], ["条目3"], "a word only the third-oldest entry has")
    assert_eq(found(s, "标题词")["kb"], ["条目1190：标题词", "条目2：标题词", "条目1150"],
              "title matches (one new, one old) before the text match")
    seen, page = [], 1
    while True:
        r = Person(s).get("/api/v1/search?q=%s&kind=kb&page=%d" % (quote("通用"), page)).json()
        seen += [i["title"] for g in r["groups"] for i in g["items"]]
        if "next_page" not in r:
            break
        page = r["next_page"]
    want = ["条目%d%s" % (i, "：标题词" if i == 1190 else "") for i in range(1200, 1100, -1)]
    assert_eq(seen, want, "five pages of twenty, newest first")
    assert_eq(page, 5)
    # An English word being typed is asked as the words it begins: a few
    # of them by name, many through the index's own prefix query.
    letters = "abcdefghijklmnopqrst"
    sql(s, "INSERT INTO kb_entries (question_en, answer_en, created_at, updated_at) VALUES "
        + ", ".join("('Question alpha%s', 'Vacuum%s', %s, %s)" % (c, "ing" if i < 3 else "ed" + c, created, created)
                    for i, c in enumerate(letters)))
    r = Person(s).get("/api/v1/search?q=alph&lang=en").json()
    assert_eq([(g["kind"], len(g["items"]), g["more"]) for g in r["groups"]], [("kb", 5, True)],
              "twenty words begin with alph: asked as a prefix")
    assert_eq(found(s, "alphac")["kb"], ["Question alphac"], "a whole word")
    assert_eq(found(s, "vacuumi")["kb"], ["Question alphac", "Question alphab", "Question alphaa"],
              "one word (vacuuming) begins with vacuumi, newest first")
    assert_eq(found(s, "vacuumedq")["kb"], ["Question alphaq"])
    assert_eq(len(found(s, "vacuumed")["kb"]), 5, "seventeen words begin with vacuumed")
    assert_eq(found(s, "vacuumz"), {}, "no word begins so: nothing")


def test_a_replay_or_podcast_link_becomes_a_card_that_plays_on_tap(s):
    """bilibili's and Ximalaya's players are named in the card and loaded
    only on a tap (by app.js, which the browser test taps); a file plays
    in the browser's own player; any other address stays a link."""
    import html as _html
    writer, editor = people(s)
    cases = [
        ("video", "https://www.bilibili.com/video/BV1xx411c7mD?p=2",
         "https://player.bilibili.com/player.html?bvid=BV1xx411c7mD&autoplay=1", False),
        ("audio", "https://www.ximalaya.com/sound/238394676",
         "https://www.ximalaya.com/thirdparty/player/sound/player.html?id=238394676&type=red", True),
        ("audio", "https://m.ximalaya.com/gatekeeper/podcast-share/sound/991419824?share_source=wx",
         "https://www.ximalaya.com/thirdparty/player/sound/player.html?id=991419824&type=red", True),
        ("audio", "https://www.ximalaya.com/keji/12345/67890",
         "https://www.ximalaya.com/thirdparty/player/sound/player.html?id=67890&type=red", True),
        ("audio", "https://notximalaya.com/sound/1", "", False),
        ("audio", "https://www.ximalaya.com/album/12345", "", False),
        ("audio", "https://example.com/ep1.mp3", "", False),
    ]
    for media, url, embed, strip in cases:
        aid = write(writer, title_zh="回放 " + url[-12:], body_zh="正文", media=media, media_url=url)
        publish(s, editor, aid)
        page = Person(s).get("/articles/%s" % aid).text
        card = re.search(r'<div class="media-card"[^>]*>', page)
        assert card, url
        attrs = dict((k, _html.unescape(v)) for k, v in re.findall(r'(data-[a-z]+)="([^"]*)"', card.group(0)))
        assert_eq(attrs.get("data-embed", ""), embed, url)
        assert_eq("data-strip" in attrs, strip, url + ": the audio strip")
        assert_eq(attrs.get("data-audio", ""), url if url.endswith(".mp3") else "", url)
        assert "<iframe" not in page, "nothing third-party loads before the tap"
    csp = Person(s).get("/").header("Content-Security-Policy")
    assert_in("frame-src https://player.bilibili.com https://www.ximalaya.com;", csp)


def test_two_servers_search_what_either_published(s):
    writer, editor = people(s)
    with beside(s, {}) as other:
        aid = write(writer, title_zh="第二台服务器上的搜索", body_zh="向量检索")
        publish(s, editor, aid)
        heard(s.database)  # the other server hears this one's commit a moment after it
        r = Person(other).get("/api/v1/search?q=" + quote("向量"))
        assert_eq([i["title"] for g in r.json()["groups"] for i in g["items"]], ["第二台服务器上的搜索"])


def test_the_index_in_memory_finds_what_the_databases_index_finds(s):
    """Each server keeps the search's index in memory (search_memory) and
    reads what changed from the database; with search_memory = 0 the
    database's own index answers. Both, on one database, give the same
    answers, before and after changes that either server or another
    process makes (a new piece, one edited so that it loses a word, one
    taken down, one shown only from tomorrow). 1,100 pieces at once are
    more than the index reads one by one: it is built again."""
    writer, editor = people(s)
    a = write(writer, title_zh="分区表的复制延迟", body_zh="逻辑复制延迟从秒级降到毫秒级别，replication 调优。")
    publish(s, editor, a)
    created = "now()" if s.database.startswith("postgres") else "strftime('%s', 'now')"
    sql(s, """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1100)
              INSERT INTO kb_entries (question_zh, question_en, answer_zh, created_at, updated_at)
              SELECT '第' || i || '条：' || CASE i %% 3 WHEN 0 THEN '逻辑复制的延迟' WHEN 1 THEN '分区表与索引'
                     ELSE '回收空间' END, 'Entry ' || i || CASE WHEN i %% 7 = 0 THEN ' replication slot' ELSE ' vacuum' END,
                     CASE WHEN i %% 5 = 0 THEN '检查长事务和复制槽。' ELSE '看 pg_stat_activity。' END, %s, %s FROM n"""
        % (created, created))
    queries = ["分区", "复制", "逻辑复制", "复制延迟", "延迟从秒", "replication", "repl", "vacuum", "vac", "entry 7",
               "长事务", "槽", "分区 vacuum", "没有的词"]

    def compare(when):
        for q in queries:
            for kind in ("", "&kind=kb", "&kind=kb&page=2", "&kind=article"):
                for lang in ("", "&lang=en"):
                    path = "/api/v1/search?q=" + quote(q) + kind + lang
                    mine, theirs = Person(s).get(path), Person(database).get(path)
                    assert_eq((mine.status, mine.json()), (theirs.status, theirs.json()), "%s: %s" % (when, path))
    second = beside(s, {"PGHERD_SEARCH_MEMORY": "0"})
    with second as database:
        compare("as built")
        # The first change after the build only takes a piece away.
        assert_eq(editor.post("/articles/%s/unpublish" % a, {"body": ""}).status, 303)
        assert_eq(found(s, "毫秒级别").get("article"), None, "taken down")
        b = write(writer, title_zh="新写的复制槽文章", body_zh="复制槽满了怎么办？vacuum 也要看。")
        publish(s, editor, b)
        sql(s, "UPDATE kb_entries SET question_zh = '第9条：改过的题目', question_en = 'Entry 9 changed' WHERE question_zh LIKE '第9条：%'")
        tomorrow = "now() + interval '1 day'" if s.database.startswith("postgres") else "strftime('%s', 'now') + 86400"
        sql(s, "UPDATE articles SET publish_at = %s WHERE id = %s" % (tomorrow, b))
        c = write(writer, title_zh="另一台写的分区文章", body_zh="分区表")
        editor.s = database  # the same editor, through the other server
        publish(database, editor, c)
        heard(s.database)
        editor.s = s
        compare("after changes")
        assert_eq(found(s, "改过")["kb"], ["第9条：改过的题目"])
        assert_eq(found(s, "新写的").get("article"), None, "shown only from tomorrow")
    assert_in("pieces held in memory", s.read_log(), "this server searches in memory")
    assert "pieces held in memory" not in second.log, "the other through the database's index"


def test_a_question_gets_an_experts_answer_that_becomes_a_kb_entry(s):
    from test_events import new_event
    writer, editor = people(s)
    asker = member(s, "asker@example.com", name="提问的人")
    expert = member(s, "expert@example.com", name="老专家")
    other = member(s, "answerer@example.com", name="热心会员")
    # An editor marks a member as an expert, with specialties.
    assert_eq(other.post("/experts", {"email": "expert@example.com", "specialties_zh": "复制"}).status, 403)
    r = editor.post("/experts", {"email": "nobody@example.com", "specialties_zh": "复制", "specialties_en": ""})
    assert_eq(r.status, 422)
    assert_eq(editor.post("/experts", {"email": "expert@example.com", "specialties_zh": "复制与高可用",
                                       "specialties_en": "Replication and HA"}).status, 303)
    assert_in("复制与高可用", Person(s).get("/experts").text)
    before = int(re.search(r"提问 (\d+)", Person(s).get("/questions").text).group(1))
    r = asker.post("/questions/new", {"title": "逻辑复制延迟越来越大怎么办？", "body": "PG 15，订阅端 CPU 不高。",
                                      "tags": "复制, 逻辑复制", "event": ""})
    assert_eq(r.status, 303)
    qid = r.header("Location").rsplit("/", 1)[1]
    assert_in("提问 %d" % (before + 1), Person(s).get("/questions").text, "every question counts toward the demands")
    assert_eq(other.post("/questions/%s/answers" % qid, {"body": "先看 pg_stat_subscription。"}).status, 303)
    r = expert.post("/questions/%s/answers" % qid, {"body": "调大 `max_logical_replication_workers`，并检查订阅端的索引。"})
    assert_eq(r.status, 303)
    aid = re.search(r"#answer-(\d+)", r.header("Location")).group(1)
    page = Person(s).get("/questions/" + qid).text
    assert_in("专家 · 复制与高可用", page, "the expert's answer carries the mark")
    assert page.index("调大") < page.index("先看"), "experts' answers first"
    # Only the asker (or an editor) accepts; a made-up answer is refused.
    assert_eq(other.post("/questions/%s/accept" % qid, {"answer": aid}).status, 403)
    assert_eq(asker.post("/questions/%s/accept" % qid, {"answer": "999999"}).status, 422)
    assert_eq(editor.post("/questions/%s/kb" % qid, {}).status, 409, "nothing accepted yet")
    assert_eq(asker.post("/questions/%s/accept" % qid, {"answer": aid}).status, 303)
    assert_in("已采纳", Person(s).get("/questions/" + qid).text)
    # One step into the knowledge base, found by search.
    assert_eq(asker.post("/questions/%s/kb" % qid, {}).status, 403)
    r = editor.post("/questions/%s/kb" % qid, {})
    assert_eq(r.status, 303)
    kid = re.search(r"/kb/(\d+)/edit", r.header("Location")).group(1)
    entry = Person(s).get("/kb/" + kid).text
    assert_in("逻辑复制延迟越来越大怎么办？", entry)
    assert_in("max_logical_replication_workers", entry)
    assert_in('href="/questions/%s"' % qid, entry)
    assert_in("#逻辑复制", entry, "the question's tags come along")
    assert_in("这个回答已收入知识库", Person(s).get("/questions/" + qid).text)
    got = found(s, "延迟")
    assert_in("逻辑复制延迟越来越大怎么办？", " ".join(got.get("kb", [])))
    assert_in("逻辑复制延迟越来越大怎么办？", got.get("question", []))
    # A debate question marked for the knowledge base is an entry, linked to its event.
    org = account(s, "kb-org@example.com", "问答组织者", "organizer")
    eid = new_event(org, "知识库辩论", date="2027-05-10")
    assert_eq(org.post("/events/%d/teams" % eid, {"name": "蓝队", "side": "正方"}).status, 303)
    team = query(s, "SELECT id FROM debate_teams WHERE event_id = %d" % eid)[0][0]
    assert_eq(org.post("/events/%d/questions" % eid, {"team": team, "question": "分区表要不要建全局索引？",
                                                     "answer": "PostgreSQL 没有全局索引，用分区键约束唯一性。", "kb": "1"}).status, 303)
    kb = Person(s).get("/kb").text
    assert_in("分区表要不要建全局索引？", kb)
    entry_id = query(s, "SELECT k.id FROM kb_entries k JOIN debate_questions d ON d.id = k.debate_question_id "
                        "WHERE d.event_id = %d" % eid)[0][0]
    assert_in('href="/events/%d"' % eid, Person(s).get("/kb/%s" % entry_id).text)
    dq = query(s, "SELECT id FROM debate_questions WHERE event_id = %d" % eid)[0][0]
    assert_eq(org.post("/events/%d/questions/%s/kb" % (eid, dq), {}).status, 303)
    assert "分区表要不要建全局索引？" not in Person(s).get("/kb").text, "unmarked: hidden again"
    # Bad input: a title too short, someone else's event, too many too fast.
    assert_eq(asker.post("/questions/new", {"title": "怎么", "body": "", "tags": "", "event": ""}).status, 422)
    r = asker.post("/questions/new", {"title": "直播答疑的问题", "body": "", "tags": "", "event": str(eid)})
    assert_eq(r.status, 422, "members do not file questions under an event")
    codes = [asker.post("/questions/new", {"title": "连续提问 %d 次" % i, "body": "", "tags": "", "event": ""}).status
             for i in range(5)]
    assert_eq(codes[-1], 429, "%r" % codes)
    assert_eq(Person(s).get("/questions/999999").status, 404)
    assert_eq(Person(s).get("/kb/999999").status, 404)


def test_pictures_for_the_text_cover_and_a_white_papers_pdf(s):
    from test_files import upload
    from images import fixture, image_size
    writer, editor = people(s)
    aid = write(writer, kind="whitepaper", title_zh="PostgreSQL 金融行业白皮书", summary_zh="摘要")
    r = upload(writer, "/articles/%s/image" % aid, "image", "photo.jpg", fixture("photo.jpg"), "image/jpeg")
    assert_eq(r.status, 303)
    key = re.search(r"image=([A-Za-z0-9_-]+)", r.header("Location")).group(1)
    assert_in("![](/files/%s/m)" % key, writer.get(r.header("Location")).text, "the Markdown to paste")
    assert_eq(upload(writer, "/articles/%s/image" % aid, "image", "x.png", b"not an image").status, 422)
    assert_eq(upload(writer, "/articles/%s/cover" % aid, "cover", "c.jpg", fixture("photo.jpg"), "image/jpeg").status, 303)
    r = editor.post("/articles/%s/publish" % aid, {"date": "", "time": ""})
    assert_eq(r.status, 409, "a white paper goes out with its PDF")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    assert_eq(upload(writer, "/articles/%s/pdf" % aid, "pdf", "paper.pdf", pdf, "application/pdf").status, 303)
    body = "正文\n\n![](/files/%s/m)\n" % key
    assert_eq(writer.post("/articles/%s/edit" % aid, article_form(kind="whitepaper", title_zh="PostgreSQL 金融行业白皮书",
              summary_zh="摘要", body_zh=body)).status, 303)
    publish(s, editor, aid)
    page = Person(s).get("/articles/" + aid).text
    assert_in('<img src="/files/%s/m"' % key, page)
    cover = re.search(r'property="og:image" content="[^"]*/files/([A-Za-z0-9_-]+)/m"', page)
    assert cover, "the cover is the link card's picture"
    pdf_key = re.search(r'href="/files/([A-Za-z0-9_-]+)" download', page).group(1)
    got = Person(s).get("/files/" + pdf_key)
    assert_eq(got.header("Content-Type"), "application/pdf")
    assert_in("attachment", got.header("Content-Disposition") or "", "a PDF is a download")
    w, h = image_size(Person(s).get("/files/%s/m" % key).body)
    assert w <= 800 and h <= 800, "the picture is written again at the size pages use"


def test_the_api_speaks_json(s):
    writer, editor = people(s)
    aid = write(writer, title_zh="API 文章", body_zh="正文", tags="api")
    publish(s, editor, aid)
    r = Person(s).get("/api/v1/articles/" + aid)
    assert_eq(r.status, 200)
    a = r.json()["article"]
    assert_eq(a["title"], "API 文章")
    assert_eq([t["name"] for t in a["tags"]], ["api"])
    lst = Person(s).get("/api/v1/articles?tag=api").json()
    assert_eq([x["id"] for x in lst["articles"]], [int(aid)])
    r = Person(s).get("/api/v1/articles/999999")
    assert_eq(r.status, 404)
    assert_eq(r.json()["error"]["code"], "not_found")


if __name__ == "__main__":
    sys.exit(run_suite("content", [v for k, v in list(globals().items()) if k.startswith("test_")]))

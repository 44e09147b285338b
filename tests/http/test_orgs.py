"""test_orgs.py: finding one's company by any part of any of its names, the
organization page, and editors creating, editing and merging duplicates
without losing anything tied to either.
    python3 tests/http/test_orgs.py BINARY [DATABASE_URL]"""
import os
import re
import sys
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Person, assert_eq, assert_in, run_suite  # noqa: E402


def find(s, q, **filters):
    qs = "q=" + quote(q) + "".join("&%s=%s" % kv for kv in filters.items())
    r = Person(s).get("/api/v1/orgs?" + qs)
    assert_eq(r.status, 200, q)
    return [o["name_zh"] for o in r.json()["orgs"]]


def editor(s, email="editor@example.com"):
    out = s.run("user", "add", email, "编辑甲", "editor").stdout.decode()
    p = Person(s)
    assert_eq(p.login(email, re.search(r"one-time password: (\S+)", out).group(1)).status, 303)
    return p


def test_search_finds_substrings_of_chinese_names_and_aliases(s):
    assert_eq(find(s, "邮储"), ["邮储银行"], "two characters")
    assert_eq(find(s, "邮储银"), ["邮储银行"], "three characters (trigram index)")
    assert_eq(find(s, "储银行"), ["邮储银行"], "from the middle")
    assert_eq(find(s, "阿里"), ["阿里巴巴"], "an alias")
    assert_eq(find(s, "ALIBABA"), ["阿里巴巴"], "English, any case")
    assert_eq(find(s, "psbc"), ["邮储银行"], "an English alias")
    unis = find(s, "大学")
    assert "浙江大学" in unis and "郑州大学" in unis and "华中科技大学" in unis, unis
    assert_in("郑州大学", find(s, "大"), "one character")
    assert_eq(find(s, "不存在的机构"), [])
    assert_eq(find(s, "100%"), [], "a % is not a wildcard")
    assert_eq(find(s, '"'), [], "a quote is not FTS syntax")
    assert_eq(find(s, "大学", category="university", city="3"), ["郑州大学"], "with filters")
    assert_eq(Person(s).get("/orgs?category=spaceship").status, 400)


def test_org_page_lists_aliases_events_and_public_people(s):
    p = Person(s)
    p.signup("ali@example.com", name="阿里员工")
    p.post("/account/profile", {"name": "阿里员工", "org": "阿里", "title": "DBA", "profile_public": "1"})
    hidden = Person(s)
    hidden.signup("ali2@example.com", name="不公开的员工")
    hidden.post("/account/profile", {"name": "不公开的员工", "org": "阿里巴巴"})
    oid = re.search(r'href="/orgs/(\d+)">', Person(s).get("/orgs?q=" + quote("阿里巴巴")).text).group(1)
    t = Person(s).get("/orgs/" + oid).text
    assert_in("<h1>阿里巴巴</h1>", t)
    assert_in('<span class="alias">阿里云</span>', t)
    assert_in("阿里员工", t, "a member who chose the alias is tied to the organization")
    assert "不公开的员工" not in t, "hidden profiles are not listed"
    assert_eq(t.count("第 37 期 PG 天天象上 · 广州站"), 1, "one line per event")
    assert_in('<span class="badge">承办</span> <span class="badge">参会</span>', t, "with every role")
    en = Person(s).get("/orgs/%s?lang=en" % oid).text
    assert_in("<h1>Alibaba</h1>", en)
    assert_eq(Person(s).get("/orgs/99999").status, 404)


def test_cached_org_pages_are_never_stale(s):
    visitor = Person(s)
    oid = re.search(r'href="/orgs/(\d+)">', visitor.get("/orgs?q=" + quote("京东")).text).group(1)
    first = visitor.get("/orgs/" + oid).text
    assert_eq(visitor.get("/orgs/" + oid).text.replace(visitor.cookies.get("csrf", ""), ""),
              first.replace(visitor.cookies.get("csrf", ""), ""), "served again from the cache")
    assert "缓存测试员" not in first
    p = Person(s)
    p.signup("cache-jd@example.com", name="缓存测试员")
    p.post("/account/profile", {"name": "缓存测试员", "org": "JD", "profile_public": "1"})
    assert_in("缓存测试员", visitor.get("/orgs/" + oid).text, "a member's change shows at once")
    listing = visitor.get("/orgs?q=" + quote("京东")).text
    ed = editor(s, "cache-editor@example.com")
    assert_eq(ed.post("/orgs/%s/edit" % oid, {"name_zh": "京东", "name_en": "JD.com", "category": "user",
                                              "aliases": "JD, 京东商城"}).status, 303)
    assert_in('<span class="alias">京东商城</span>', visitor.get("/orgs/" + oid).text, "an editor's change too")
    assert_in("京东", listing)
    assert_in("京东", visitor.get("/orgs?q=" + quote("商城")).text, "and the directory's search")


def test_editor_creates_and_edits_with_checks(s):
    ed = editor(s)
    r = ed.post("/orgs/new", {"name_zh": "<script>x</script>银行", "category": "user", "industry": "bank",
                              "website": "javascript:alert(1)", "aliases": "阿里"})
    assert_eq(r.status, 422)
    assert_in("网站地址需以 http:// 或 https:// 开头", r.text)
    assert "<script>x</script>银行" not in r.text
    assert_in("&lt;script&gt;x&lt;/script&gt;银行", r.text, "kept, escaped")
    # Every field is declared: each wrong one has its own message, in the form and in the API.
    bad = {"name_zh": "", "category": "bakery", "industry": "magic", "city": "two", "website": "https://ok.example"}
    r = ed.post("/orgs/new?lang=zh", bad)
    assert_eq(r.status, 422)
    for msg in ("请填写中文名称。", "请从列表中选择类别。", "请从列表中选择行业。", "请从列表中选择城市。"):
        assert_in('<p class="field-error">%s</p>' % msg, r.text)
    assert_in('<select id="o-city" name="city" aria-invalid="true">', r.text)
    assert_in('value="https://ok.example"', r.text, "the right ones come back as typed")
    r = ed.req("POST", "/api/v1/orgs/new", bad, headers={"Accept": "application/json"})
    assert_eq(r.status, 422)
    assert_eq(sorted(r.json()["error"]["fields"]), ["category", "city", "industry", "name_zh"])
    r = ed.post("/orgs/new", {"name_zh": "测试银行", "name_en": "Test Bank", "category": "user", "industry": "bank",
                              "city": "2", "website": "https://bank.example", "aliases": "阿里",
                              "description": "**老客户**"})
    assert_eq(r.status, 422)
    assert_in("这个名称已经属于另一个机构", r.text)
    r = ed.post("/orgs/new", {"name_zh": "测试银行", "name_en": "Test Bank", "category": "user", "industry": "bank",
                              "city": "2", "website": "https://bank.example",
                              "aliases": "测银、 ，TB；测试行", "description": "**老客户**"})
    assert_eq(r.status, 303)
    oid = re.search(r"/orgs/(\d+)\?saved=1", r.header("Location")).group(1)
    t = ed.get("/orgs/%s?saved=1" % oid).text
    assert_in("机构信息已保存", t)
    assert_in("<strong>老客户</strong>", t)
    for alias in ["测银", "TB", "测试行"]:
        assert_in('<span class="alias">%s</span>' % alias, t)
    assert_eq(find(s, "测试"), ["测试银行"])
    assert_eq(find(s, "tb"), ["测试银行"], "a new alias is searchable at once")
    r = ed.post("/orgs/%s/edit" % oid, {"name_zh": "测试银行股份", "category": "user", "aliases": "测银"})
    assert_eq(r.status, 303)
    assert_eq(find(s, "测试行"), [], "a removed alias is gone from search")
    assert_eq(find(s, "股份"), ["测试银行股份"])
    # the editor's changes are audited
    admin_out = s.run("user", "add", "orgadmin@example.com", "审计员", "admin").stdout.decode()
    admin = Person(s)
    admin.login("orgadmin@example.com", re.search(r"one-time password: (\S+)", admin_out).group(1))
    assert_in("org:%s" % oid, admin.get("/admin/audit?action=org.save").text)


def test_directory_pages(s):
    from harness import sql
    created = "now()" if s.database.startswith("postgres") else "strftime('%s', 'now')"
    sql(s, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40) "
           "INSERT INTO orgs (name_zh, category, created_at, search_text) "
           "SELECT '翻页测试' || i, 'media', " + created + ", '翻页测试' || i FROM n")
    one = Person(s).get("/api/v1/orgs?q=" + quote("翻页测试")).json()
    assert_eq((len(one["orgs"]), one["page"], one.get("next_page"), one.get("prev_page")), (30, 1, 2, None))
    two = Person(s).get("/api/v1/orgs?page=2&q=" + quote("翻页测试")).json()
    assert_eq((len(two["orgs"]), two["page"], two.get("next_page"), two.get("prev_page")), (10, 2, None, 1))
    names = {o["name_zh"] for o in one["orgs"]} | {o["name_zh"] for o in two["orgs"]}
    assert_eq(len(names), 40, "every organization once, none twice")
    page = Person(s).get("/orgs?q=" + quote("翻页测试")).text
    assert_in('href="?page=2&amp;q=', page, "the page links to the next one, filters kept")
    # The filter's choices come back chosen, in the page's language; the API has them as data.
    chosen = Person(s).get("/orgs?category=media&industry=bank&city=1&lang=en").text
    for want in ('<option value="media" selected>Media</option>', '<option value="bank" selected>Banking</option>',
                 '<option value="1" selected>'):
        assert_in(want, chosen)
    assert_eq(chosen.count(" selected>"), 3, "one choice per list")
    plain = Person(s).get("/orgs?lang=zh").text
    assert " selected>" not in plain, "nothing chosen when nothing was asked"
    assert_in('<option value="media">媒体</option>', plain)
    data = Person(s).get("/api/v1/orgs?category=media").json()["filter"]
    assert_eq([c["value"] for c in data["categories"] if c["selected"]], ["media"])
    assert data["cities"], "the cities as data"


def test_sql_metacharacters_in_org_fields(s):
    ed = editor(s, "sql-editor@example.com")
    bad = "x'); DELETE FROM orgs; --"
    r = ed.post("/orgs/new", {"name_zh": bad, "name_en": "1 OR 1=1", "category": "user", "aliases": "%', _%",
                              "description": bad})
    assert_eq(r.status, 303)
    assert_eq(find(s, "delete from"), [bad], "stored and found as text")
    assert_eq(find(s, "%'"), [bad], "an alias with quote and percent")
    assert len(find(s, "大学")) >= 3, "the other organizations are all still there"


def test_merging_a_duplicate_keeps_everything(s):
    ed = editor(s, "merger@example.com")
    r = ed.post("/orgs/new", {"name_zh": "阿里巴巴集团", "name_en": "Alibaba Group", "category": "cloud",
                              "website": "https://alibabagroup.example", "aliases": "阿里集团"})
    dup = re.search(r"/orgs/(\d+)", r.header("Location")).group(1)
    p = Person(s)
    p.signup("group@example.com", name="集团员工")
    p.post("/account/profile", {"name": "集团员工", "org": "阿里集团", "profile_public": "1"})
    assert_in("集团员工", Person(s).get("/orgs/" + dup).text)
    assert_eq(ed.post("/orgs/%s/merge" % dup, {"into": dup}).status, 422, "not into itself")
    assert_eq(ed.post("/orgs/%s/merge" % dup, {"into": "没有这个机构"}).status, 422)
    r = ed.post("/orgs/%s/merge" % dup, {"into": "阿里"})
    assert_eq(r.status, 303)
    target = re.search(r"/orgs/(\d+)", r.header("Location")).group(1)
    assert target != dup
    t = Person(s).get("/orgs/" + target).text
    assert_in("<h1>阿里巴巴</h1>", t)
    assert_in("集团员工", t, "the member moved over")
    assert_in("第 37 期", t, "the survivor's events are kept")
    for alias in ["阿里巴巴集团", "Alibaba Group", "阿里集团", "阿里云"]:
        assert_in('<span class="alias">%s</span>' % alias, t)
    assert_in("https://alibabagroup.example", t, "a field the survivor lacked is taken over")
    assert_eq(Person(s).get("/orgs/" + dup).status, 404)
    assert_eq(find(s, "集团"), ["阿里巴巴"])


def test_the_directorys_copy_in_memory_finds_what_the_database_finds(s):
    """Each server answers the directory's search from a copy in its
    memory (find.c) while the "orgs" version stands still; with
    search_memory = 0 the database answers. Both, on one database, give the
    same pages for every kind of query, filter, page and language, before
    and after changes made through either server and by another process."""
    from harness import beside, heard, sql
    created = "now()" if s.database.startswith("postgres") else "strftime('%s', 'now')"
    sql(s, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 90) "
           "INSERT INTO orgs (name_zh, name_en, category, industry, city_id, created_at, search_text) "
           "SELECT '比对' || i || CASE i % 3 WHEN 0 THEN '号银行' WHEN 1 THEN '号大学' ELSE '号数据_科技' END, "
           "CASE WHEN i % 4 = 0 THEN NULL ELSE 'Compare Co ' || i END, "
           "CASE i % 3 WHEN 0 THEN 'user' WHEN 1 THEN 'university' ELSE 'isv' END, "
           "CASE WHEN i % 5 = 0 THEN NULL ELSE 'bank' END, CASE WHEN i % 2 = 0 THEN NULL ELSE 1 + i % 3 END, "
           + created + ", lower('比对' || i || CASE i % 3 WHEN 0 THEN '号银行' WHEN 1 THEN '号大学' "
           "ELSE '号数据_科技' END || ' ' || CASE WHEN i % 4 = 0 THEN '' ELSE 'Compare Co ' || i END) FROM n")
    queries = ["大", "大学", "比对", "比对1", "对1", "1号", "号银行", "co 1", "o 2", "c", "_", "%", "'", "数据_科",
               "阿里", "psbc", "不存在的机构", "比对77号银行"]
    filters = ["", "&category=university", "&industry=bank", "&city=2", "&category=user&industry=bank&city=1",
               "&page=2", "&page=4"]

    def compare(when):
        for q in queries:
            for f in filters:
                for lang in ("", "&lang=en"):
                    path = "/api/v1/orgs?q=" + quote(q) + f + lang
                    mine, theirs = Person(s).get(path), Person(database).get(path)
                    assert_eq((mine.status, mine.json()), (theirs.status, theirs.json()), "%s: %s" % (when, path))
        assert_eq(len(Person(s).get("/api/v1/orgs?q=" + quote("比对")).json()["orgs"]), 30, "a full page")
    second = beside(s, {"PGHERD_SEARCH_MEMORY": "0"})
    with second as database:
        compare("as built")
        ed = editor(s, "compare-editor@example.com")
        oid = Person(s).get("/api/v1/orgs?q=" + quote("比对12号")).json()["orgs"][0]["id"]
        assert_eq(ed.post("/orgs/%s/edit" % oid, {"name_zh": "比对十二号银行", "name_en": "Twelve Bank",
                                                  "category": "user", "industry": "bank", "city": "1",
                                                  "aliases": "十二行"}).status, 303)
        assert_eq(find(s, "十二行"), ["比对十二号银行"], "an edit through this server")
        ed.s = database
        r = ed.post("/orgs/new", {"name_zh": "比对新来的大学", "category": "university", "aliases": "新大"})
        assert_eq(r.status, 303)
        heard(s.database)  # this server hears the other's commit a moment after it
        ed.s = s
        assert_eq(find(s, "新大"), ["比对新来的大学"], "one through the other server")
        sql(s, "UPDATE orgs SET search_text = 'renamed behind', name_zh = '比对改名' WHERE name_zh = '比对30号银行'")
        assert_eq(find(s, "behind"), ["比对改名"], "one by another process")
        compare("after changes")
    assert_in("organizations held in memory", s.read_log(), "this server searched its copy")
    assert "organizations held in memory" not in second.log, "the other the database"


if __name__ == "__main__":
    sys.exit(run_suite("orgs", [v for k, v in list(globals().items()) if k.startswith("test_")]))

"""test_wishes.py: the wish wall's story in a phone-sized Chromium. A
member types a wish and is shown a similar one first, posts their own; an
organizer lets it through; other members vote; the organizer forwards it
with a CommitFest link and later marks it implemented in PostgreSQL 17;
its voters' mails are in the outbox; the roadmap shows it under 17, in
both languages. Screenshots go to build/screenshots/.

    /usr/bin/python3 tests/browser/test_wishes.py BINARY"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "http"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import query, sql  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402
from test_content import fill, password, submit  # noqa: E402
from test_events import no_sideways_scroll, sign_in  # noqa: E402
from test_home import UNMARKED_CHINESE, check, full_page_shot, run_browser_suite  # noqa: E402

STATE = {}


def organizer_sends(s, d, wid, action, choices, fields, landed):
    """The organizer opens the wish, fills one of its forms and sends it."""
    sign_in(s, d, "organizer@example.com", password(s, "organizer@example.com", "组织者老周", "organizer"))
    d.get(s.url("/wishes/%s" % wid))
    for name, value in choices.items():
        Select(d.find_element(By.NAME, name)).select_by_value(value)
    for name, text in fields.items():
        fill(d, name, text)
    submit(d, "form[action='/wishes/%s/%s']" % (wid, action))
    WebDriverWait(d, 10).until(EC.url_contains(landed))


def test_a_member_is_shown_a_similar_wish_then_posts_their_own(s, d):
    d.set_window_size(390, 844)
    sign_in(s, d, "wisher@example.com", password(s, "wisher@example.com", "许愿的会员", "member"))
    d.get(s.url("/wishes/new"))
    d.find_element(By.NAME, "title").send_keys("修改分区键")
    WebDriverWait(d, 10).until(lambda d: d.find_element(By.ID, "w-similar").is_displayed())
    similar = d.find_element(By.ID, "w-similar").text
    check("在线修改分区表的分区键" in similar, "the demo's wish is shown while the title is typed: %r" % similar)
    full_page_shot(d, 390, "wishes-new-similar-zh-phone.png")
    fill(d, "title", "分区表支持全局唯一索引")
    fill(d, "body", "现在唯一约束必须包含分区键，跨分区的唯一性只能靠应用保证。")
    Select(d.find_element(By.NAME, "kind")).select_by_value("kernel")
    fill(d, "pg_version", "17")
    submit(d, "form[action='/wishes/new']")
    WebDriverWait(d, 10).until(EC.url_contains("pending=1"))
    STATE["wish"] = re.search(r"/wishes/(\d+)", d.current_url).group(1)
    check("组织者看过后" in d.page_source, "a first wish waits, and the member is told")
    no_sideways_scroll(d, "the wish page")


def test_an_organizer_lets_it_through_and_members_vote(s, d):
    wid = STATE["wish"]
    sign_in(s, d, "organizer@example.com", password(s, "organizer@example.com", "组织者老周", "organizer"))
    d.get(s.url("/wishes/%s" % wid))
    d.find_element(By.CSS_SELECTOR, "form[action='/wishes/%s/review'] button[value='visible']" % wid).click()
    WebDriverWait(d, 10).until(EC.url_matches(r"/wishes/%s$" % wid))
    for i in range(3):
        email = "voter%d@example.com" % i
        sign_in(s, d, email, password(s, email, "投票的会员%d" % i, "member"))
        d.get(s.url("/wishes/%s" % wid))
        submit(d, "form[action='/wishes/%s/vote']" % wid)
        WebDriverWait(d, 10).until(EC.url_contains("voted=1"))
    check(d.find_element(By.CSS_SELECTOR, ".votes-big b").text == "3", "three votes")
    check(d.find_elements(By.CSS_SELECTOR, "form[action='/wishes/%s/unvote']" % wid), "and a way to take one back")
    full_page_shot(d, 390, "wishes-voted-zh-phone.png")
    d.get(s.url("/wishes?sort=new"))
    check("分区表支持全局唯一索引" in d.find_element(By.CSS_SELECTOR, "ol.wishes").text, "on the wall")
    full_page_shot(d, 390, "wishes-wall-zh-phone.png")
    no_sideways_scroll(d, "the wall")


def test_forwarded_with_a_commitfest_link_then_implemented_in_17(s, d):
    wid = STATE["wish"]
    organizer_sends(s, d, wid, "status", {"status": "forwarded"}, {"link": "https://commitfest.postgresql.org/48/4321/"},
                    "moved=1")
    check("commitfest.postgresql.org/48/4321/" in d.find_element(By.CSS_SELECTOR, "ol.trail").text, "the trail keeps the link")
    Select(d.find_element(By.NAME, "status")).select_by_value("implemented")
    fill(d, "shipped_in", "17")
    fill(d, "link", "https://www.postgresql.org/docs/17/release-17.html")
    submit(d, "form[action='/wishes/%s/status']" % wid)
    WebDriverWait(d, 10).until(EC.url_contains("moved=1"))
    check("已在 PostgreSQL 17 实现" in d.page_source, "implemented in 17")
    full_page_shot(d, 390, "wishes-trail-zh-phone.png")
    # Each step's mail for each voter (and the author) is in the outbox.
    told = query(s, "SELECT count(*) FROM outbox WHERE to_addr LIKE 'voter%%@example.com' AND subject LIKE '%%分区表支持全局唯一索引%%'")
    check(int(told[0][0]) == 6, "two steps mailed to three voters: %r" % told)
    d.get(s.url("/wishes/roadmap"))
    text = d.page_source
    check(text.index("PostgreSQL 17") < text.index("分区表支持全局唯一索引"), "the roadmap shows it under 17")
    full_page_shot(d, 390, "wishes-roadmap-zh-phone.png")
    d.get(s.url("/wishes/roadmap?lang=en"))
    left = d.execute_script(UNMARKED_CHINESE)
    check(not left, "no Chinese passes for English: %r" % left[:5])
    full_page_shot(d, 390, "wishes-roadmap-en-phone.png")
    d.set_window_size(1280, 900)
    d.get(s.url("/wishes?lang=en"))
    full_page_shot(d, 1280, "wishes-wall-en-desktop.png")
    no_sideways_scroll(d, "the wall on a desktop")


def test_who_wants_it_as_bars_and_a_reward_on_the_profile(s, d):
    """DBAs at a bank and a developer at a telco vote for the demo's
    forwarded wish: its page shows the bars, the wall filtered to DBAs at
    banks ranks it; the organizer gives the story's author a T-shirt, which
    their profile shows. Phone and desktop, both languages."""
    pg = s.database.startswith("postgres")
    now = "now()" if pg else "0"
    bank = query(s, "INSERT INTO orgs (name_zh, category, industry, created_at) VALUES ('示例银行', 'user', 'bank', %s) "
                    "RETURNING id" % now)[0][0]
    telco = query(s, "INSERT INTO orgs (name_zh, category, industry, created_at) VALUES ('示例电信', 'user', 'telecom', %s) "
                     "RETURNING id" % now)[0][0]
    wid = query(s, "SELECT id FROM wishes WHERE title = '在线修改分区表的分区键'")[0][0]
    d.set_window_size(390, 844)
    for i, (role, org) in enumerate((("dba", bank), ("dba", bank), ("developer", telco))):
        email = "segment%d@example.com" % i
        pw = password(s, email, "分段会员%d" % i, "member")
        sql(s, "UPDATE users SET job_role = '%s', org_id = %s WHERE email = '%s'" % (role, org, email))
        sign_in(s, d, email, pw)
        d.get(s.url("/wishes/%s" % wid))
        submit(d, "form[action='/wishes/%s/vote']" % wid)
        WebDriverWait(d, 10).until(EC.url_contains("voted=1"))
    d.get(s.url("/wishes/%s" % wid))
    chart = d.find_element(By.CSS_SELECTOR, "section.breakdown").text
    check("DBA" in chart and "银行" in chart and "开发者" in chart, "the bars by role and industry: %r" % chart)
    check("分段会员" not in chart, "no voter is named")
    for li in d.find_elements(By.CSS_SELECTOR, ".chart li"):
        label = li.find_element(By.CSS_SELECTOR, ".label")
        check(label.size["width"] >= 60, "a label keeps its width on a phone: %r" % label.text)
    full_page_shot(d, 390, "wishes-breakdown-zh-phone.png")
    no_sideways_scroll(d, "the bars on a phone")
    d.get(s.url("/wishes"))
    Select(d.find_element(By.NAME, "role")).select_by_value("dba")
    Select(d.find_element(By.NAME, "industry")).select_by_value("bank")
    submit(d, "form.voters")
    WebDriverWait(d, 10).until(EC.url_contains("industry=bank"))
    check("DBA · 银行" in d.find_element(By.CSS_SELECTOR, "h2.filtered").text, "what DBAs at banks want")
    first = d.find_element(By.CSS_SELECTOR, "ol.wishes li .result-title").text
    check(first == "在线修改分区表的分区键", "their wish comes first: %r" % first)
    for sel in d.find_elements(By.CSS_SELECTOR, "form.voters select, form.voters .button"):
        check(sel.size["height"] >= 44, "the filter's controls are 44 px tall")
    full_page_shot(d, 390, "wishes-filtered-zh-phone.png")
    no_sideways_scroll(d, "the filtered wall")
    d.get(s.url("/wishes?role=dba&industry=bank&lang=en"))
    left = d.execute_script(UNMARKED_CHINESE)
    check(not left, "no Chinese passes for English: %r" % left[:5])
    full_page_shot(d, 390, "wishes-filtered-en-phone.png")
    d.set_window_size(1280, 900)
    d.get(s.url("/wishes/%s?lang=en" % wid))
    check("Who wants it" in d.page_source, "the bars in English")
    full_page_shot(d, 1280, "wishes-breakdown-en-desktop.png")
    # The reward: the organizer gives the story's author a T-shirt.
    story = STATE["wish"]
    organizer_sends(s, d, story, "rewards", {"kind": "tshirt"}, {"note": "2026 年会限量款"}, "rewarded=1")
    check("限量 T 恤" in d.find_element(By.CSS_SELECTOR, "section.rewards").text, "the reward shows on the wish")
    author = query(s, "SELECT user_id FROM wishes WHERE id = %s" % story)[0][0]
    sql(s, "UPDATE users SET profile_public = %s WHERE id = %s" % ("true" if pg else "1", author))
    d.set_window_size(390, 844)
    d.get(s.url("/people/%s" % author))
    check("2026 年会限量款" in d.find_element(By.CSS_SELECTOR, "section.rewards").text, "and on the author's profile")
    full_page_shot(d, 390, "profile-reward-zh-phone.png")


def main():
    return run_browser_suite("browser wishes", (test_a_member_is_shown_a_similar_wish_then_posts_their_own,
                                                test_an_organizer_lets_it_through_and_members_vote,
                                                test_forwarded_with_a_commitfest_link_then_implemented_in_17,
                                                test_who_wants_it_as_bars_and_a_reward_on_the_profile))


if __name__ == "__main__":
    sys.exit(main())

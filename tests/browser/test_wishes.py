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
from harness import query  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402
from test_content import fill, password, submit  # noqa: E402
from test_events import no_sideways_scroll, sign_in  # noqa: E402
from test_home import UNMARKED_CHINESE, check, full_page_shot, run_browser_suite  # noqa: E402

STATE = {}


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
    sign_in(s, d, "organizer@example.com", password(s, "organizer@example.com"))
    d.get(s.url("/wishes/%s" % wid))
    Select(d.find_element(By.NAME, "status")).select_by_value("forwarded")
    fill(d, "link", "https://commitfest.postgresql.org/48/4321/")
    submit(d, "form[action='/wishes/%s/status']" % wid)
    WebDriverWait(d, 10).until(EC.url_contains("moved=1"))
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


def main():
    return run_browser_suite("browser wishes", (test_a_member_is_shown_a_similar_wish_then_posts_their_own,
                                                test_an_organizer_lets_it_through_and_members_vote,
                                                test_forwarded_with_a_commitfest_link_then_implemented_in_17))


if __name__ == "__main__":
    sys.exit(main())

"""test_content.py: the content story in a phone-sized Chromium. An
editor writes an article with a picture and a replay link and publishes
it; a new member comments and an editor lets the comment through; a
visitor finds the article by a two-character search, reads the link card
a chat app would show, and reads it in English; a member's question gets
an expert's answer, which becomes a knowledge-base entry. Screenshots go
to build/screenshots/.

    /usr/bin/python3 tests/browser/test_content.py BINARY"""
import os
import re
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "http"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from images import FIXTURES, image_size  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402
from test_events import no_sideways_scroll, sign_in  # noqa: E402
from test_home import UNMARKED_CHINESE, check, full_page_shot, run_browser_suite  # noqa: E402


PASSWORDS = {}


def password(s, email, name="会员", role="member"):
    """The password of an account made with `pgherd user add` (made the
    first time it is asked for)."""
    if email not in PASSWORDS:
        out = s.run("user", "add", email, name, role).stdout.decode()
        PASSWORDS[email] = re.search(r"one-time password: (\S+)", out).group(1)
    return PASSWORDS[email]


def fill(d, field, text):
    el = d.find_element(By.NAME, field)
    el.clear()
    el.send_keys(text)


def submit(d, form_css):
    """Sends the form and returns once its answer is the page on screen.
    Waiting for the address alone is not enough: after two sends that land
    on the same "?moved=1", the old page's address already matches while
    the new answer is still on its way. So the page is marked before the
    click, and the wait is for a document without the mark."""
    d.execute_script("window.confirm = function () { return true; }; window.__before_submit = 1")
    d.find_element(By.CSS_SELECTOR, form_css + " button[type=submit]").click()
    WebDriverWait(d, 10, ignored_exceptions=(WebDriverException,)).until(
        lambda drv: drv.execute_script("return window.__before_submit === undefined && document.readyState === 'complete'"))


STATE = {}


def test_an_editor_writes_and_publishes_on_a_phone(s, d):
    d.set_window_size(390, 844)
    sign_in(s, d, "editor@example.com", password(s, "editor@example.com", "编辑小李", "editor"))
    d.get(s.url("/articles/new"))
    Select(d.find_element(By.NAME, "kind")).select_by_value("article")
    fill(d, "title_zh", "分区表在金融核心系统中的实践")
    fill(d, "title_en", "Partitioned tables at a bank's core")
    fill(d, "summary_zh", "按月分区，一年后的经验。")
    fill(d, "body_zh", "## 背景\n\n核心系统每天三亿笔交易，我们按月分区。\n")
    fill(d, "body_en", "## Background\n\nThree hundred million transactions a day, partitioned by month.\n")
    Select(d.find_element(By.NAME, "media")).select_by_value("video")
    fill(d, "media_url", "https://www.bilibili.com/video/BV1xx411c7mD")
    fill(d, "tags", "分区, 金融")
    submit(d, "form[action='/articles/new']")
    WebDriverWait(d, 10).until(EC.url_contains("saved=1"))
    aid = re.search(r"/articles/(\d+)", d.current_url).group(1)
    STATE["article"] = aid
    check("只有作者和编辑能看到" in d.page_source, "the draft says who sees it")
    # A picture for the text: uploaded, then pasted as the Markdown given back.
    d.get(s.url("/articles/%s/edit" % aid))
    d.find_element(By.ID, "a-image").send_keys(os.path.realpath(os.path.join(FIXTURES, "photo.jpg")))
    d.find_element(By.CSS_SELECTOR, "form#images button[type=submit]").click()
    WebDriverWait(d, 10).until(EC.url_contains("image="))
    markdown = d.find_element(By.CSS_SELECTOR, "form#images input.code").get_attribute("value")
    check(markdown.startswith("![](/files/"), "the Markdown to paste, got %r" % markdown)
    body = d.find_element(By.NAME, "body_zh")
    body.send_keys("\n" + markdown + "\n")
    full_page_shot(d, 390, "content-edit-zh-phone.png")
    no_sideways_scroll(d, "the article form")
    submit(d, "form[action='/articles/%s/edit']" % aid)
    WebDriverWait(d, 10).until(EC.url_contains("saved=1"))
    submit(d, "form[action='/articles/%s/publish']" % aid)
    WebDriverWait(d, 10).until(EC.url_contains("#review"))
    d.get(s.url("/articles/%s" % aid))
    imgs = [i.get_attribute("src") for i in d.find_elements(By.CSS_SELECTOR, ".prose img")]
    check(len(imgs) == 1 and "/files/" in imgs[0], "the picture is in the text: %r" % imgs)
    loaded = d.execute_script("return document.querySelector('.prose img').naturalWidth")
    check(loaded > 0, "and it loads")
    # The replay's player is loaded only when its card is tapped.
    check(not d.find_elements(By.CSS_SELECTOR, ".media-card iframe"), "no player before the tap")
    d.find_element(By.CSS_SELECTOR, ".media-card a.button").click()
    frames = d.find_elements(By.CSS_SELECTOR, ".media-card iframe")
    check(frames and "player.bilibili.com/player.html?bvid=BV1xx411c7mD" in frames[0].get_attribute("src"),
          "the tap puts bilibili's player in the card")
    full_page_shot(d, 390, "content-article-zh-phone.png")
    no_sideways_scroll(d, "the article page")


def test_a_new_member_comments_and_an_editor_lets_it_through(s, d):
    aid = STATE["article"]
    sign_in(s, d, "reader@example.com", password(s, "reader@example.com", "读者小张", "member"))
    d.get(s.url("/articles/%s" % aid))
    fill(d, "body", "很有用！分区键是怎么选的？")
    submit(d, "form[action='/articles/%s/comments']" % aid)
    WebDriverWait(d, 10).until(EC.url_contains("comment=pending"))
    check("新会员的前几条评论由编辑审核后显示" in d.page_source, "the member is told it waits")
    full_page_shot(d, 390, "content-comment-pending-zh-phone.png")
    sign_in(s, d, "editor@example.com", password(s, "editor@example.com"))
    d.get(s.url("/comments/review"))
    submit(d, "li.comment form[action$='/approve']")
    d.get(s.url("/articles/%s" % aid))
    check("分区键是怎么选的" in d.find_element(By.ID, "comments").text, "the comment is up")


def test_a_visitor_finds_it_by_two_characters_and_reads_it_in_english(s, d):
    aid = STATE["article"]
    d.delete_all_cookies()
    d.get(s.url("/search?lang=zh"))
    fill(d, "q", "分区")
    d.find_element(By.CSS_SELECTOR, "form.search-box button").click()
    WebDriverWait(d, 10).until(EC.url_contains("q="))
    links = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, ".search-group a.result-title")]
    check(any(h.endswith("/articles/%s" % aid) for h in links), "two characters find it: %r" % links)
    check(d.find_elements(By.CSS_SELECTOR, ".snippet mark, .result-title mark"), "the match is marked")
    full_page_shot(d, 390, "content-search-zh-phone.png")
    no_sideways_scroll(d, "the search page")
    d.get(s.url("/articles/%s" % aid))
    # What a chat app reads of the link: title, description, a picture.
    meta = {m.get_attribute("property"): m.get_attribute("content")
            for m in d.find_elements(By.CSS_SELECTOR, "meta[property^='og:']")}
    check(meta.get("og:title", "").startswith("分区表在金融核心系统中的实践"), "og:title %r" % meta.get("og:title"))
    check(meta.get("og:type") == "article" and meta.get("og:description"), "og:type and description")
    card = meta["og:image"].replace("http://127.0.0.1:8080", "http://127.0.0.1:%d" % s.port)
    with urllib.request.urlopen(card) as r:
        w, h = image_size(r.read())
    check((w, h) == (1200, 630), "the link card is a 1200 x 630 picture, got %r" % ((w, h),))
    d.find_element(By.CSS_SELECTOR, "a[hreflang='en']").click()
    WebDriverWait(d, 10).until(EC.url_contains("lang=en"))
    check(d.find_element(By.TAG_NAME, "h1").text == "Partitioned tables at a bank's core", "the English side")
    left = d.execute_script(UNMARKED_CHINESE)
    check(not left, "no Chinese passes for English: %r" % left[:5])
    full_page_shot(d, 390, "content-article-en-phone.png")


def test_a_question_gets_an_expert_answer_that_becomes_an_entry(s, d):
    expert_pw = password(s, "expert@example.com", "老专家")
    sign_in(s, d, "editor@example.com", password(s, "editor@example.com"))
    d.get(s.url("/experts"))
    fill(d, "email", "expert@example.com")
    fill(d, "specialties_zh", "分区与索引")
    fill(d, "specialties_en", "Partitioning and indexes")
    submit(d, "form[action='/experts']")
    sign_in(s, d, "reader@example.com", password(s, "reader@example.com"))
    d.get(s.url("/questions/new"))
    fill(d, "title", "分区表的主键必须包含分区键吗？")
    fill(d, "body", "PG 15，按月分区，想用自增 id 做主键。")
    fill(d, "tags", "分区")
    submit(d, "form[action='/questions/new']")
    WebDriverWait(d, 10).until(EC.url_matches(r"/questions/\d+$"))
    qid = re.search(r"/questions/(\d+)", d.current_url).group(1)
    sign_in(s, d, "expert@example.com", expert_pw)
    d.get(s.url("/questions/%s" % qid))
    fill(d, "body", "是的：唯一约束必须包含分区键。可以用 (id, created_at) 做主键。")
    submit(d, "form[action='/questions/%s/answers']" % qid)
    WebDriverWait(d, 10).until(EC.url_contains("answered=1"))
    check("分区与索引" in d.page_source, "the expert's mark and specialties")
    sign_in(s, d, "reader@example.com", password(s, "reader@example.com"))
    d.get(s.url("/questions/%s" % qid))
    submit(d, "form[action='/questions/%s/accept']" % qid)
    sign_in(s, d, "editor@example.com", password(s, "editor@example.com"))
    d.get(s.url("/questions/%s" % qid))
    submit(d, "form[action='/questions/%s/kb']" % qid)
    WebDriverWait(d, 10).until(EC.url_contains("/edit"))
    kid = re.search(r"/kb/(\d+)/edit", d.current_url).group(1)
    d.get(s.url("/kb/%s" % kid))
    check(d.find_element(By.TAG_NAME, "h1").text == "分区表的主键必须包含分区键吗？", "the entry's question")
    check("唯一约束必须包含分区键" in d.find_element(By.CSS_SELECTOR, ".prose").text, "and its answer")
    full_page_shot(d, 390, "content-kb-entry-zh-phone.png")
    d.get(s.url("/questions/%s?lang=en" % qid))
    full_page_shot(d, 390, "content-question-en-phone.png")
    no_sideways_scroll(d, "the question page")


def main():
    return run_browser_suite("browser content", (test_an_editor_writes_and_publishes_on_a_phone,
                                                 test_a_new_member_comments_and_an_editor_lets_it_through,
                                                 test_a_visitor_finds_it_by_two_characters_and_reads_it_in_english,
                                                 test_a_question_gets_an_expert_answer_that_becomes_an_entry))


if __name__ == "__main__":
    sys.exit(main())

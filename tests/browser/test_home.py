"""test_home.py: a person opens the home page in headless Chromium on a phone
and on a desktop, in both languages, switches language, and uses the
subscription form; screenshots go to build/screenshots/.

Needs Debian's chromium, chromium-driver and python3-selenium (run with
/usr/bin/python3).  python3 tests/browser/test_home.py BINARY"""
import os
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "http"))
from harness import ROOT, Server  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

SHOTS = os.path.join(ROOT, "build", "screenshots")


def browser(width, height, extra=()):
    o = Options()
    o.binary_location = "/usr/bin/chromium"
    for a in list(extra) + ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", "--hide-scrollbars", "--lang=zh-CN",
              "--user-data-dir=" + tempfile.mkdtemp(prefix="pgherd-chrome-"),
              "--window-size=%d,%d" % (width, height)]:
        o.add_argument(a)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def full_page_shot(d, width, name):
    height = d.execute_script("return document.documentElement.scrollHeight")
    d.set_window_size(width, min(max(height, 600), 6000))
    d.save_screenshot(os.path.join(SHOTS, name))


def test_phone_chinese_then_english(s, d):
    d.get(s.url("/?lang=zh"))
    check(d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN", "html lang zh-CN")
    h1 = d.find_element(By.TAG_NAME, "h1").text
    check(h1 == "连接每一位 PostgreSQL 用户", "Chinese headline, got %r" % h1)
    nav = [a.text for a in d.find_elements(By.CSS_SELECTOR, "nav.nav a")]
    check(nav == ["首页", "活动", "文章", "问答", "许愿墙", "参与机构", "搜索", "加入我们"], "Chinese navigation, got %r" % nav)
    # The stylesheet applied (CSP allows our own): the hero is blue, the page fits the phone.
    bg = d.execute_script("return getComputedStyle(document.querySelector('.hero')).backgroundImage")
    check("linear-gradient" in bg, "hero styled, got %r" % bg)
    overflow = d.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    check(overflow <= 0, "no sideways scrolling on a phone (%dpx too wide)" % overflow)
    cards = d.find_elements(By.CSS_SELECTOR, "#events .card")
    check(len(cards) == 3, "three coming salons, got %d" % len(cards))
    check("报名中" in cards[0].text, "the first salon is open for registration")
    full_page_shot(d, 390, "home-zh-phone.png")
    d.set_window_size(390, 844)
    d.find_element(By.CSS_SELECTOR, "a.lang").click()
    check(d.find_element(By.TAG_NAME, "h1").text == "Where PostgreSQL users in China meet", "English after the switch")
    check(d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en", "html lang en")
    d.get(s.url("/"))
    check(d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en", "the choice is remembered")
    full_page_shot(d, 390, "home-en-phone.png")


def test_desktop_both_languages(s, d):
    for lang, h1 in (("zh", "连接每一位 PostgreSQL 用户"), ("en", "Where PostgreSQL users in China meet")):
        d.set_window_size(1280, 900)
        d.get(s.url("/?lang=" + lang))
        check(d.find_element(By.TAG_NAME, "h1").text == h1, "%s headline" % lang)
        stats = d.find_elements(By.CSS_SELECTOR, ".stat")
        tops = {round(x.location["y"]) for x in stats}
        check(len(stats) >= 5 and len(tops) == 1, "the members, events, cities, organizations and followers in one row on a desktop")
        full_page_shot(d, 1280, "home-%s-desktop.png" % lang)


def test_subscription_form(s, d):
    d.set_window_size(390, 844)
    d.get(s.url("/?lang=zh#join"))
    email = d.find_element(By.ID, "sub-email")
    email.send_keys("不是邮箱")
    d.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    err = WebDriverWait(d, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".field-error"))).text
    check("这看起来不像电子邮箱地址" in err, "error next to the field, got %r" % err)
    check(d.find_element(By.ID, "sub-email").get_attribute("value") == "不是邮箱", "input kept")
    d.save_screenshot(os.path.join(SHOTS, "subscribe-error-zh-phone.png"))
    field = d.find_element(By.ID, "sub-email")
    field.clear()
    field.send_keys("reader@example.com")
    d.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    notice = WebDriverWait(d, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".notice"))).text
    check("订阅成功" in notice, "thanks shown, got %r" % notice)


def test_join_fill_profile_find_company(s, d):
    d.delete_all_cookies()
    d.set_window_size(390, 844)
    d.get(s.url("/?lang=zh"))
    d.find_element(By.CSS_SELECTOR, "a.me").click()           # 登录
    d.find_element(By.CSS_SELECTOR, "a[href='/signup']").click()
    WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "su-name")))
    d.find_element(By.ID, "su-name").send_keys("陈静")
    d.find_element(By.ID, "su-email").send_keys("chen.jing@example.com")
    d.find_element(By.ID, "su-password").send_keys("short")
    d.find_element(By.ID, "su-consent").click()
    d.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    err = WebDriverWait(d, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".field-error"))).text
    check("8 个字符" in err, "password rule explained, got %r" % err)
    check(d.find_element(By.ID, "su-email").get_attribute("value") == "chen.jing@example.com", "input kept")
    check(d.find_element(By.ID, "su-consent").is_selected(), "consent stays ticked")
    full_page_shot(d, 390, "signup-error-zh-phone.png")
    d.set_window_size(390, 844)
    d.find_element(By.ID, "su-password").send_keys("a long enough password")
    d.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    WebDriverWait(d, 10).until(EC.url_contains("/account"))
    h1 = d.find_element(By.TAG_NAME, "h1")
    check(h1.text == "陈静", "the account page greets the new member, got %r" % h1.text)
    check("欢迎加入" in d.find_element(By.CSS_SELECTOR, ".notice").text, "welcome notice")
    check(d.find_element(By.CSS_SELECTOR, "a.me").text == "陈静", "name in the header")
    full_page_shot(d, 390, "account-zh-phone.png")
    d.set_window_size(390, 844)
    # fill the profile and find the company
    d.find_element(By.CSS_SELECTOR, "a[href='/account/profile']").click()
    WebDriverWait(d, 10).until(EC.url_contains("/account/profile"))
    from selenium.webdriver.support.ui import Select
    Select(d.find_element(By.ID, "pf-job")).select_by_value("dba")
    d.find_element(By.ID, "pf-org").send_keys("邮储")          # not the full name: not found...
    d.find_element(By.ID, "pf-title").send_keys("高级 DBA")
    d.find_element(By.ID, "pf-city").send_keys("北京")
    d.find_element(By.ID, "pf-bio").send_keys("负责 **核心账务** 数据库。")
    public = d.find_element(By.CSS_SELECTOR, "input[name=profile_public]")
    check(not public.is_selected(), "a profile is hidden until the member makes it public")
    public.click()
    check(not d.find_element(By.CSS_SELECTOR, "input[name=email_public]").is_selected(), "contact fields start hidden")
    d.find_element(By.CSS_SELECTOR, "form[action='/account/profile'] button[type=submit]").click()
    WebDriverWait(d, 10).until(EC.url_contains("saved=1"))
    d.get(s.url("/orgs?q=" + "%E9%82%AE%E5%82%A8"))        # ...so search the directory for 邮储
    links = d.find_elements(By.CSS_SELECTOR, ".org-list a")
    check([a.text for a in links] == ["邮储银行"], "the directory finds 邮储银行, got %r" % [a.text for a in links])
    full_page_shot(d, 390, "orgs-search-zh-phone.png")
    d.set_window_size(390, 844)
    d.get(s.url("/account/profile"))
    org = d.find_element(By.ID, "pf-org")
    org.clear()
    org.send_keys("邮储银行")
    d.find_element(By.CSS_SELECTOR, "form[action='/account/profile'] button[type=submit]").click()
    WebDriverWait(d, 10).until(EC.url_contains("saved=1"))
    d.find_element(By.CSS_SELECTOR, "a[href^='/people/']").click()
    WebDriverWait(d, 10).until(EC.url_contains("/people/"))
    check(d.find_element(By.CSS_SELECTOR, ".bio strong").text == "核心账务", "the bio's Markdown is rendered")
    full_page_shot(d, 390, "profile-zh-phone.png")
    d.set_window_size(390, 844)
    d.find_element(By.LINK_TEXT, "邮储银行").click()
    WebDriverWait(d, 10).until(EC.url_contains("/orgs/"))
    check(d.find_element(By.TAG_NAME, "h1").text == "邮储银行", "the organization page")
    people = [a.text for a in d.find_elements(By.CSS_SELECTOR, ".chips a")]
    check("陈静" in people, "the member is listed with her company, got %r" % people)
    full_page_shot(d, 390, "org-zh-phone.png")
    d.set_window_size(1280, 900)
    full_page_shot(d, 1280, "org-zh-desktop.png")
    d.set_window_size(390, 844)
    d.get(s.url("/account"))
    d.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
    WebDriverWait(d, 10).until(EC.url_contains("signed_out=1"))
    check("你已退出登录" in d.find_element(By.CSS_SELECTOR, ".notice").text, "signed-out notice")
    check(d.find_element(By.CSS_SELECTOR, "a.me").text == "登录", "signed out")


# Text nodes with Chinese characters that no ancestor marks lang="zh-*".
UNMARKED_CHINESE = """
const out = [], w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
let n;
while ((n = w.nextNode())) {
  const t = n.textContent.trim();
  if (!/[\\u3400-\\u9fff]/.test(t)) continue;
  let e = n.parentElement, marked = false;
  for (; e; e = e.parentElement) if ((e.getAttribute("lang") || "").startsWith("zh")) { marked = true; break; }
  if (!marked) out.push(n.parentElement.tagName + ": " + t.slice(0, 40));
}
return out;"""


def test_english_pages_mark_what_is_chinese(s, d):
    """An English page shows English, or Chinese marked as Chinese (a title
    not translated yet, a venue, a name written in characters): no Chinese
    text passes for English."""
    d.set_window_size(1280, 900)
    for path in ("/", "/events", "/events/8", "/events/7", "/archive", "/orgs", "/orgs/1", "/series",
                 "/series/pg-elephant-days", "/articles", "/articles/1", "/kb", "/kb/1", "/kb/3", "/questions",
                 "/questions/1", "/experts", "/search?q=%E5%88%86%E5%8C%BA"):
        d.get(s.url(path + ("&" if "?" in path else "?") + "lang=en"))
        check(d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en", path)
        left = d.execute_script(UNMARKED_CHINESE)
        check(not left, "%s: Chinese shown as English: %r" % (path, left[:5]))

def run_browser_suite(name, tests, sink=None):
    """Runs browser tests in order against one demo server (its mail going
    to sink, when given) and one phone-sized Chromium; a failed test does
    not stop the rest. Returns the exit code."""
    os.makedirs(SHOTS, exist_ok=True)
    s = Server(sys.argv[1], extra_env={"PGHERD_SMTP_URL": sink.url} if sink else None)
    s.sink = sink
    s.url = lambda path: "http://127.0.0.1:%d%s" % (s.port, path)
    passed = failed = 0
    d = None
    try:
        s.run("demo")
        s.start()
        d = browser(390, 844)
        for t in tests:
            try:
                t(s, d)
                passed += 1
                print("ok    " + t.__name__, flush=True)
            except Exception:
                failed += 1
                print("FAIL  " + t.__name__, flush=True)
                traceback.print_exc()
    finally:
        if d:
            d.quit()
        if sink:
            sink.stop()
        if s.stop() != 0:
            failed += 1
            print("FAIL  server exit code:\n" + s.read_log()[-4000:])
        s.cleanup()
    print("screenshots in build/screenshots/")
    print("%s: %d of %d passed, %d failed" % (name, passed, len(tests), failed))
    return 1 if failed else 0


def main():
    return run_browser_suite("browser", (test_phone_chinese_then_english, test_desktop_both_languages,
                                         test_subscription_form, test_join_fill_profile_find_company,
                                         test_english_pages_mark_what_is_chinese))


if __name__ == "__main__":
    sys.exit(main())

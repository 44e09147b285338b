"""test_events.py: an organizer creates a salon from a template event and
opens registration, a member registers on a phone and gets a ticket, and
the organizer checks them in by opening the ticket's URL, as a phone
camera would; screenshots of the event page (phone and desktop), the
ticket and the door page go to build/screenshots/.

    /usr/bin/python3 tests/browser/test_events.py BINARY"""
import os
import re
import sys
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "http"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402
from test_home import SHOTS, browser, check, full_page_shot  # noqa: E402


def sign_in(s, d, email, password):
    d.delete_all_cookies()
    d.get(s.url("/login?lang=zh"))
    d.find_element(By.NAME, "email").send_keys(email)
    d.find_element(By.NAME, "password").send_keys(password)
    d.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    WebDriverWait(d, 10).until(EC.url_contains("/account"))


def no_sideways_scroll(d, what):
    overflow = d.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    check(overflow <= 0, "%s fits a phone (%dpx too wide)" % (what, overflow))


def test_template_to_ticket_to_check_in(s, d):
    out = s.run("user", "add", "organizer@example.com", "组织者小王", "organizer").stdout.decode()
    organizer_pw = re.search(r"one-time password: (\S+)", out).group(1)
    # The organizer clones the last salon (the template) to a new day.
    d.set_window_size(1280, 900)
    sign_in(s, d, "organizer@example.com", organizer_pw)
    d.get(s.url("/events/7"))
    d.find_element(By.ID, "clone-date").send_keys("2027-03-20")
    d.execute_script("document.getElementById('clone-date').value = '2027-03-20'")
    d.find_element(By.CSS_SELECTOR, "form[action='/events/7/clone'] button").click()
    WebDriverWait(d, 10).until(EC.url_contains("/edit"))
    new_id = re.search(r"/events/(\d+)/edit", d.current_url).group(1)
    title = d.find_element(By.ID, "e-zh")
    title.clear()
    title.send_keys("第 41 期 PG 天天象上 · 杭州站")
    Select(d.find_element(By.ID, "e-status")).select_by_value("open")
    cap = d.find_element(By.ID, "e-cap")
    cap.clear()
    cap.send_keys("80")
    d.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    WebDriverWait(d, 10).until(EC.url_contains("saved=1"))
    h1 = d.find_element(By.TAG_NAME, "h1").text
    check("第 41 期" in h1, "the new salon's page, got %r at %s" % (h1, d.current_url))
    agenda = [li.text for li in d.find_elements(By.CSS_SELECTOR, "ol.agenda li")]
    check(len(agenda) >= 6 and agenda[0].startswith("08:30"), "the template's agenda, same hours: %r" % agenda[:2])
    check("2027-03-20" in d.find_element(By.CSS_SELECTOR, ".facts").text, "on the new day")

    # A member registers on a phone.
    d.delete_all_cookies()
    d.set_window_size(390, 844)
    d.get(s.url("/signup?lang=zh"))
    d.find_element(By.ID, "su-name").send_keys("林小雨")
    d.find_element(By.ID, "su-email").send_keys("lin@example.com")
    d.find_element(By.ID, "su-password").send_keys("a long enough password")
    d.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    WebDriverWait(d, 10).until(EC.url_contains("/account"))
    d.get(s.url("/events/" + new_id))
    no_sideways_scroll(d, "the event page")
    full_page_shot(d, 390, "event-zh-phone.png")
    d.set_window_size(390, 844)
    d.find_element(By.CSS_SELECTOR, "form[action$='/register'] button.big").click()
    WebDriverWait(d, 10).until(EC.url_contains("/t/"))
    ticket_url = d.current_url
    check("林小雨" in d.find_element(By.CSS_SELECTOR, ".ticket").text, "the ticket names the member")
    qr = d.find_element(By.CSS_SELECTOR, "img.qr")
    check(d.execute_script("return arguments[0].naturalWidth > 0", qr), "the QR code image loads")
    no_sideways_scroll(d, "the ticket")
    full_page_shot(d, 390, "ticket-zh-phone.png")

    # At the door: the organizer's phone opens the ticket's URL and checks in.
    d.set_window_size(390, 844)
    sign_in(s, d, "organizer@example.com", organizer_pw)
    d.get(ticket_url)
    d.find_element(By.CSS_SELECTOR, "button.checkin").click()
    notice = WebDriverWait(d, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".notice"))).text
    check("签到成功" in notice, "checked in, got %r" % notice)
    d.get(ticket_url)
    check(not d.find_elements(By.CSS_SELECTOR, "button.checkin"), "no second check-in button")
    check("组织者小王" in d.find_element(By.CSS_SELECTOR, ".ticket").text, "says who checked in")
    d.get(s.url("/events/%s/checkin" % new_id))
    counts = {el.get_attribute("data-count"): el.text for el in d.find_elements(By.CSS_SELECTOR, "[data-count]")}
    check(counts == {"confirmed": "1", "waitlisted": "0", "checked_in": "1"}, "live counters %r" % counts)
    no_sideways_scroll(d, "the door page")
    full_page_shot(d, 390, "door-zh-phone.png")

    # The event page on a desktop, in both languages.
    d.delete_all_cookies()
    for lang in ("zh", "en"):
        d.set_window_size(1280, 900)
        d.get(s.url("/events/8?lang=" + lang))
        check(d.find_element(By.TAG_NAME, "html").get_attribute("lang") == ("zh-CN" if lang == "zh" else "en"), lang)
        check(len(d.find_elements(By.CSS_SELECTOR, "ol.agenda li")) >= 8, "the demo salon's full day")
        full_page_shot(d, 1280, "event-%s-desktop.png" % lang)
    d.set_window_size(390, 844)
    d.get(s.url("/events?lang=en"))
    check("Events" in d.find_element(By.TAG_NAME, "h1").text, "the events list in English")
    full_page_shot(d, 390, "events-en-phone.png")


def main():
    binary = sys.argv[1]
    os.makedirs(SHOTS, exist_ok=True)
    s = Server(binary)
    s.url = lambda path: "http://127.0.0.1:%d%s" % (s.port, path)
    failed = 0
    d = None
    try:
        s.run("demo")
        s.start()
        d = browser(390, 844)
        try:
            test_template_to_ticket_to_check_in(s, d)
            print("ok    test_template_to_ticket_to_check_in", flush=True)
        except Exception:
            failed += 1
            print("FAIL  test_template_to_ticket_to_check_in", flush=True)
            traceback.print_exc()
    finally:
        if d:
            d.quit()
        if s.stop() != 0:
            failed += 1
            print("FAIL  server exit code:\n" + s.read_log()[-4000:])
        s.cleanup()
    print("browser events: %d passed, %d failed" % (1 - failed if not failed else 0, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""make-card.py: draws web/static/card.png (1200 x 630, the link card a
chat app shows for a shared page without a picture of its own) from
web/card/card.html with headless Chromium. Run after changing either:
    /usr/bin/python3 scripts/make-card.py"""
import os
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
o = Options()
o.binary_location = "/usr/bin/chromium"
for a in ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,630",
          "--user-data-dir=" + tempfile.mkdtemp(prefix="pgherd-card-")]:
    o.add_argument(a)
d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
try:
    d.set_window_size(1200, 630)
    d.get("file://" + os.path.join(ROOT, "web", "card", "card.html"))
    inner = d.execute_script("return [window.innerWidth, window.innerHeight]")
    d.set_window_size(1200 + 1200 - inner[0], 630 + 630 - inner[1])
    d.save_screenshot(os.path.join(ROOT, "web", "static", "card.png"))
finally:
    d.quit()

"""A real headless Chromium: search a phrase, see it highlighted, open the paragraph in its report.

Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them); without them the test
is skipped and says why. The screenshot is saved under test-output/.
"""

import shutil
import urllib.parse
from pathlib import Path

import pytest
from test_live import server  # noqa: F401  (the gunicorn fixture)

from conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
OUTPUT = ROOT / "test-output"

pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(DRIVER).exists()),
    reason="Debian packages chromium and chromium-driver are not installed "
           "(apt-get install chromium chromium-driver; .ci/run does this)",
)


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                 "--disable-dev-shm-usage"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def test_browser_search_highlight_and_document_view(server, browser):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base = server[0]
    browser.get(base + "/")
    box = browser.find_element(By.NAME, "q")
    box.send_keys('"户户通"', Keys.ENTER)

    summary = browser.find_element(By.ID, "summary").text
    assert "找到 3 个段落" in summary
    marks = browser.find_elements(By.CSS_SELECTOR, ".hit .snippet mark")
    assert [m.text for m in marks] == ["户户通"] * 3
    assert "#fde68a" in _hex(marks[0].value_of_css_property("background-color"))

    link = browser.find_element(By.CSS_SELECTOR, ".hit .crumbs a:last-child")
    anchor = urllib.parse.urlsplit(link.get_attribute("href")).fragment
    link.click()

    assert urllib.parse.urlsplit(browser.current_url).fragment == anchor
    target = browser.find_element(By.ID, anchor)
    assert "focus" in target.get_attribute("class")
    assert target.find_element(By.TAG_NAME, "mark").text == "户户通"
    in_view = browser.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return r.top >= 0 && r.bottom <= window.innerHeight;", target)
    assert in_view
    OUTPUT.mkdir(exist_ok=True)
    shot = OUTPUT / "document-view.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000


def test_browser_phone_width_and_keyboard(server, browser):  # noqa: F811
    from selenium.webdriver.common.by import By

    browser.set_window_size(390, 800)
    browser.get(server[0] + "/?q=乡村振兴")
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390  # nothing forces sideways scrolling
    browser.find_element(By.TAG_NAME, "body").send_keys("/")
    assert browser.switch_to.active_element.get_attribute("name") == "q"
    OUTPUT.mkdir(exist_ok=True)
    browser.save_screenshot(str(OUTPUT / "search-phone.png"))


def _hex(css: str) -> str:
    parts = css[css.index("(") + 1:css.index(")")].split(",")
    return "#" + "".join(f"{int(float(p)):02x}" for p in parts[:3])


def _fetch(url: str):
    import json
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def _paragraph_below_its_heading(base: str) -> tuple[str, int, int]:
    """(doc_id, paragraph, its section heading's paragraph): the deepest paragraph in the seeds
    that is the third to fifth below its heading, so that a paragraph put at the very top of the
    window hides the heading, and the page has to scroll to show it."""
    best = None
    for summary in _fetch(base + "/api/documents")["documents"]:
        doc = _fetch(f"{base}/api/documents/{summary['doc_id']}")
        headings = [s["paragraph"] for s in doc["sections"]]
        for p in doc["paragraphs"]:
            above = [h for h in headings if h < p["paragraph"]]
            if p["level"] is None and above and 3 <= p["paragraph"] - above[-1] <= 5 \
                    and len(p["text"]) < 300 and (best is None or p["paragraph"] > best[1]):
                best = (doc["doc_id"], p["paragraph"], above[-1])
    assert best, "no paragraph a few paragraphs below its heading in the seeds"
    return best


def test_browser_document_view_keeps_the_section_heading_in_view(server, browser):  # noqa: F811
    from selenium.webdriver.common.by import By

    base = server[0]
    doc_id, number, heading = _paragraph_below_its_heading(base)
    browser.get(f"{base}/doc/{doc_id}?q=%E9%95%87#p-{number}")
    target = browser.find_element(By.ID, f"p-{number}")
    title = browser.find_element(By.ID, f"p-{heading}")
    inside = ("const r = arguments[0].getBoundingClientRect();"
              "return [r.top, r.bottom, window.innerHeight, window.scrollY];")
    t, h = browser.execute_script(inside, target), browser.execute_script(inside, title)
    assert t[3] > 0, "the page did not scroll"  # else the test proves nothing
    assert 0 <= h[0] and h[1] <= h[2], f"section heading p-{heading} out of view: {h}"
    assert 0 <= t[0] and t[1] <= t[2], f"paragraph p-{number} out of view: {t}"
    assert "focus" in target.get_attribute("class")
    OUTPUT.mkdir(exist_ok=True)
    browser.save_screenshot(str(OUTPUT / "document-heading.png"))


def test_browser_api_docs_renders_offline(server, browser):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base = server[0]
    browser.get(base + "/api/docs")
    WebDriverWait(browser, 20).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, ".opblock-summary"))
    summaries = [e.text.split("\n")[:2] for e in
                 browser.find_elements(By.CSS_SELECTOR, ".opblock-summary")]
    assert ["GET", "/api/search"] in summaries, summaries
    assert ["GET", "/api/documents"] in summaries
    requested = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert any(url.endswith("/api/openapi.json") for url in requested)
    assert all(url.startswith(base + "/") for url in requested), requested
    OUTPUT.mkdir(exist_ok=True)
    browser.save_screenshot(str(OUTPUT / "api-docs.png"))

"""The admin page in a real headless Chromium: log in, upload a .docx and a .pdf, watch the job
finish, then find a phrase from each and open it at its paragraph (and, for the PDF, its page).
Screenshots of the admin page and of a PDF result go to test-output/."""

from __future__ import annotations

import time
import urllib.parse

import pytest
from test_browser import OUTPUT, browser, pytestmark  # noqa: F401  (fixture, skip marker)
from test_live import seeds_server

from office_files import CHROMIUM, chinese_word_docx, print_pdf, report_html

TOKEN = "browser-admin-token"
PDF_SECTIONS = [("一、基层治理", [
    f"第{n}个村完善村规民约，推行积分制管理，调解矛盾纠纷{n * 3}件，平安乡村建设扎实推进。"
    for n in range(1, 15)])]
DOCX_PHRASE = "全乡建成数字乡村服务驿站十二个"


@pytest.fixture
def admin_server(tmp_path):
    with seeds_server(tmp_path, 2, f"  admin_token: {TOKEN}\n") as (base, *_):
        yield base


def test_browser_admin_upload_docx_and_pdf_then_find_them(admin_server, browser, tmp_path):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    docx_path = tmp_path / "乡镇工作总结.docx"
    docx_path.write_bytes(chinese_word_docx([
        ("某乡2024年工作总结", None), ("一、数字乡村", 1), (f"{DOCX_PHRASE}，线上办事率明显提高。", None)]))
    pdf_path = print_pdf(report_html("某镇平安建设情况报告", PDF_SECTIONS), tmp_path / "平安建设.pdf")

    base = admin_server
    browser.get(base + "/admin/")
    browser.find_element(By.ID, "token").send_keys(TOKEN, Keys.ENTER)
    browser.find_element(By.ID, "files").send_keys(f"{docx_path}\n{pdf_path}")
    browser.find_element(By.ID, "upload-button").click()
    deadline = time.monotonic() + 90
    while not browser.find_elements(By.CSS_SELECTOR, "#jobs .job.done"):
        failed = browser.find_elements(By.CSS_SELECTOR, "#jobs .job.failed")
        assert not failed, failed[0].text
        assert time.monotonic() < deadline, browser.find_element(By.ID, "jobs").text
        time.sleep(0.3)
    while len(browser.find_elements(By.CSS_SELECTOR, ".admin-docs li")) < 2:  # page redrawn
        assert time.monotonic() < deadline
        time.sleep(0.3)
    listed = browser.find_element(By.CSS_SELECTOR, ".admin-docs").text
    assert "乡镇工作总结.docx" in listed and "平安建设.pdf" in listed
    outcomes = browser.find_element(By.CSS_SELECTOR, "#jobs .job.done .files").text
    assert "乡镇工作总结.docx：已索引" in outcomes and "平安建设.pdf：已索引" in outcomes
    OUTPUT.mkdir(exist_ok=True)
    browser.save_screenshot(str(OUTPUT / "admin-upload.png"))

    browser.get(base + "/?" + urllib.parse.urlencode({"q": f'"{DOCX_PHRASE}"'}))
    assert "找到 1 个段落" in browser.find_element(By.ID, "summary").text
    browser.find_element(By.CSS_SELECTOR, ".hit .crumbs a:last-of-type").click()
    anchor = urllib.parse.urlsplit(browser.current_url).fragment
    assert browser.find_element(By.ID, anchor).find_element(By.TAG_NAME, "mark").text == DOCX_PHRASE

    phrase = "调解矛盾纠纷39件"
    browser.get(base + "/?" + urllib.parse.urlencode({"q": f'"{phrase}"'}))
    hit = browser.find_element(By.CSS_SELECTOR, ".hit")
    page = hit.find_element(By.CSS_SELECTOR, ".crumbs .page").text
    assert page.startswith("（第 ") and page.endswith(" 页）")
    browser.save_screenshot(str(OUTPUT / "pdf-result.png"))
    hit.find_element(By.CSS_SELECTOR, ".crumbs a:last-of-type").click()
    anchor = urllib.parse.urlsplit(browser.current_url).fragment
    target = browser.find_element(By.ID, anchor)
    assert target.find_element(By.TAG_NAME, "mark").text == phrase
    number = page.strip("（第 页）")
    marker = browser.execute_script(
        "let el = arguments[0];"
        "while (el && !(el.classList && el.classList.contains('pageno'))) "
        "  el = el.previousElementSibling;"
        "return el && el.textContent;", target)
    assert marker == f"第 {number} 页"
    assert "下载原文件（PDF）" in browser.find_element(By.ID, "original").text
    browser.save_screenshot(str(OUTPUT / "pdf-document.png"))
    assert CHROMIUM

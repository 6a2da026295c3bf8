"""The HTML pages through Flask's test client: server-rendered, escaped, links keep the query."""

import re
from html import unescape

import pytest

from webui import create_app


@pytest.fixture(scope="module")
def client(seeds_index):
    return create_app({"TESTING": True, "SETTINGS": seeds_index}).test_client()


def html(response):
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_page_home_lists_documents(client):
    page = html(client.get("/"))
    assert "共 5 份报告" in page and 'name="q"' in page
    assert "X镇政府2020年工作总结及2021年工作打算" in page


def test_page_search_results_marked_with_breadcrumbs(client):
    page = html(client.get("/?q=%22户户通%22"))
    assert "找到 <strong>3</strong> 个段落" in page
    assert page.count("<mark>户户通</mark>") == 3
    assert "乡镇 2020 年工作总结和 2021 年工作计划</a> › 三、镇村生态更优更美 › " in page
    links = re.findall(r'href="(/doc/[^"]+)"', page)
    assert links and all("q=%22" in unescape(link) and "#p-" in link for link in links)


def test_page_facet_links_filter_and_keep_query(client):
    page = html(client.get("/?q=乡村振兴"))
    year_link = unescape(re.search(r'href="([^"]*year=2021[^"]*)"', page).group(1))
    assert "q=" in year_link
    filtered = html(client.get(year_link))
    assert "筛选：" in filtered and "年份：2021 ✕" in filtered
    total = int(re.search(r"找到 <strong>(\d+)</strong>", filtered).group(1))
    assert 0 < total < int(re.search(r"找到 <strong>(\d+)</strong>", page).group(1))


def test_page_pagination_links(client):
    page = html(client.get("/?q=镇"))
    assert 'rel="next"' in page
    second = unescape(re.search(r'href="([^"]+)" rel="next"', page).group(1))
    assert "page=2" in second and "q=" in second
    assert "第 2 /" in html(client.get(second))


def test_page_empty_state_and_did_you_mean(client):
    page = html(client.get("/?q=户户痛"))
    assert "没有找到包含“<strong>户户痛</strong>”的段落" in page
    assert "您是不是要找" in page and ">户户通</a>" in page


def test_page_bad_parameters_show_message_not_error(client):
    page = html(client.get("/?q=镇&page=abc"))
    assert "page must be a whole number" in page


def test_page_document_view_anchors_and_marks(client):
    page = html(client.get("/?q=%22户户通%22"))
    link = unescape(re.search(r'href="(/doc/[^"#]+)#p-(\d+)"', page).group(1))
    number = re.search(r'href="/doc/[^"#]+#p-(\d+)"', page).group(1)
    doc = html(client.get(link))
    assert f'id="p-{number}"' in doc
    assert "<mark>户户通</mark>" in doc
    assert 'class="outline"' in doc and "一、经济建设成效显著" in doc


def test_page_unknown_document_404(client):
    response = client.get("/doc/nope")
    assert response.status_code == 404
    assert "no document with id" in response.get_data(as_text=True)


def test_page_escapes_report_html(hostile_client):
    client = hostile_client
    page = html(client.get("/?q=<script>测试"))
    assert "<script>alert" not in page
    assert "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;" in page
    doc_link = unescape(re.search(r'href="(/doc/[^"#]+)', page).group(1))
    assert "<script>alert" not in html(client.get(doc_link))


def test_page_works_offline_no_external_assets(client):
    page = html(client.get("/?q=镇"))
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert 'name="viewport"' in page

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
    page = html(client.get("/?q=户户痛"))  # nothing complete; 户户痛's word 户户 is found alone
    assert 'id="relaxed"' in page and "您是不是要找" in page and ">户户通</a>" in page
    page = html(client.get("/?q=量子计算"))
    assert "没有找到包含“<strong>量子计算</strong>”的段落" in page


def test_page_bad_parameters_show_message_not_error(client):
    response = client.get("/?q=镇&page=abc")
    assert response.status_code == 400
    assert "参数 page 应是 1 到 1000 之间的整数。" in response.get_data(as_text=True)


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
    assert "没有编号为“nope”的报告。" in response.get_data(as_text=True)


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


# -- errors: in Chinese, in the site's layout, with the right status ----------------------------

def error_message(response, status) -> str:
    """The message of an error page, which must be the site's layout with a Chinese message."""
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<a class="brand" href="/">报告检索</a>' in page and 'name="q"' in page  # base.html
    message = unescape(re.search(r'<p class="error" role="alert">([^<]*)</p>', page).group(1))
    english = re.search(r"\b(the|is|must|not|no|found|error|allowed|internal)\b", message, re.I)
    assert re.search(r"[\u4e00-\u9fff]", message) and not english, message
    return message


@pytest.mark.parametrize("method, url, status, message", [
    ("GET", "/nope", 404, "没有这个页面。"),
    ("GET", "/static/nope.css", 404, "没有这个页面。"),
    ("POST", "/", 405, "这个地址不接受 POST 请求。"),
    ("DELETE", "/doc/x", 405, "这个地址不接受 DELETE 请求。"),
    ("GET", "/?q=镇&page=0", 400, "参数 page 应是 1 到 1000 之间的整数。"),
    ("GET", "/?q=镇&size=101", 400, "参数 size 应是 1 到 100 之间的整数。"),
    ("GET", "/?q=" + "字" * 1001, 400, "查询有 1001 个字，超过上限 1000 个字（search.max_query_length）。"),
    ("GET", "/?q=镇&year=abcd", 400, "年份应是四位数字，如 2021；“abcd”不是。"),
    ("GET", "/?year=20211", 400, "年份应是四位数字，如 2021；“20211”不是。"),
    ("GET", "/doc/nope", 404, "没有编号为“nope”的报告。"),
])
def test_page_errors_are_chinese_pages(client, method, url, status, message):
    response = client.open(url, method=method)
    assert error_message(response, status) == message
    if status == 405:
        assert "GET" in response.headers["Allow"]


def test_page_keeps_the_query_on_an_error_page(client):
    page = client.get("/?q=户户通&page=0").get_data(as_text=True)
    assert 'value="户户通"' in page


@pytest.mark.parametrize("url", ["/", "/?q=镇", "/doc/abc", "/doc/abc?q=镇"])
def test_page_without_index_503(tmp_path, url):
    from conftest import make_settings

    client = create_app({"TESTING": True, "SETTINGS": make_settings(tmp_path / "none", [])}).test_client()
    assert error_message(client.get(url), 503) == "还没有索引：请先运行 report-search index。"


def test_page_unexpected_error_is_a_chinese_500(client, monkeypatch):
    def boom():
        raise RuntimeError("secret detail")
    monkeypatch.setattr("webui.pages.get_reader", boom)
    response = client.get("/?q=镇")
    assert error_message(response, 500) == "内部错误，已记录。"
    assert b"secret detail" not in response.data


def test_page_every_error_class_is_chinese_with_its_status(client, monkeypatch):
    from test_api import KNOWN_STATUS, error_classes

    from indexer.search import IndexReader

    for cls in error_classes():
        def fail(*args, _cls=cls, **kwargs):
            raise _cls(f"{_cls.__name__} happened")
        monkeypatch.setattr(IndexReader, "search", fail)
        response = client.get("/?q=镇")
        message = error_message(response, KNOWN_STATUS.get(cls.code, 500))
        assert "happened" not in message, cls


# -- the CSV link; parameters that are not the page's --------------------------------------------

def test_page_csv_link_exports_every_match(client):
    page = html(client.get("/?q=镇&year=2021"))
    total = int(re.search(r"找到 <strong>(\d+)</strong>", page).group(1))
    assert total > 10 and page.count('class="hit"') == 10
    link = unescape(re.search(r'href="([^"]+)">导出 CSV', page).group(1))
    assert "year=2021" in link and "page=" not in link and "size=" not in link
    body = client.get(link).get_data(as_text=True)
    assert body.count("\n") == 1 + total


@pytest.mark.parametrize("extra", [
    "format=json", "format=csv", "endpoint=api.search", "_anchor=x", "_method=POST",
    "_scheme=ftp&_external=1", "_external=1", "page=2&_anchor=x", "year=2021&endpoint=y",
])
def test_page_ignores_parameters_that_are_not_its_own(client, extra):
    page = html(client.get(f"/?q=镇&{extra}"))
    assert "找到 <strong>" in page
    links = [unescape(link) for link in re.findall(r'href="([^"]+)"', page)]
    assert not any(name in link for link in links for name in ("endpoint", "_anchor", "_method", "_scheme", "_external", "ftp:"))
    assert not any("format=json" in link for link in links)
    assert all(link.startswith("/") and not link.startswith("//") for link in links), links

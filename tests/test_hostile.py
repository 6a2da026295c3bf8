"""Hostile input, one row each with the answer it must get: markup in queries, documents and
titles; path traversal; NUL bytes; invalid UTF-8; oversized queries and pages; wrong methods
and tokens. Never a 5xx or a traceback, and nothing outside the indexed reports is served."""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from test_api import error_of

from conftest import SEEDS, make_settings
from indexer.writer import index_reports
from webui import create_app

TOKEN = "s3cret-token"
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"/|\bline \d+, in\b")
PASSWD = "root:x:0:0"


# -- hostile inputs, one row each ---------------------------------------------------------------

HOSTILE_REPORT = (
    "某镇<img src=x onerror=alert(1)>2020年工作总结\n"
    "一、<script>alert(2)</script>招商引资\n"
    '测试<script>alert(1)</script>内容，链接 javascript:alert(3) 与 "><svg onload=alert(4)>。\n'
)
ACTIVE_HTML = ["<script>alert", "<img src=x", "<svg onload", 'href="javascript:']
XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
       "'><svg onload=alert(1)>"]


@pytest.fixture(scope="module")
def clients(seeds_client, tmp_path_factory):
    """seeds: the seeds index; hostile: one report with markup in its title, heading and body;
    admin: a copy of the seeds with an admin token set (so POST /api/index is enabled)."""
    base = tmp_path_factory.mktemp("abuse")
    (base / "hostile").mkdir()
    (base / "hostile" / "x.txt").write_text(HOSTILE_REPORT, "utf-8")
    hostile = make_settings(base / "hostile-ix", [base / "hostile"])
    shutil.copytree(SEEDS, base / "seeds")
    admin = make_settings(base / "admin-ix", [base / "seeds"], server__admin_token=TOKEN)
    for s in (hostile, admin):
        assert not index_reports(s).failed
    return {
        "seeds": seeds_client,
        "hostile": create_app({"TESTING": True, "SETTINGS": hostile}).test_client(),
        "admin": create_app({"TESTING": True, "SETTINGS": admin}).test_client(),
    }


@dataclass
class Row:
    url: str
    status: int
    kind: str = "json"  # json, html or csv: what the answer must be
    code: str | None = None  # the error code, for JSON errors
    must: list[str] = field(default_factory=list)  # in the body
    must_not: list[str] = field(default_factory=list)
    method: str = "GET"
    headers: dict = field(default_factory=dict)
    client: str = "seeds"


def rows():
    yield from (pytest.param(Row(f"/api/search?q={quote(x)}", 200, must=[x.replace('"', '\\"')]),
                             id=f"api-xss-{i}") for i, x in enumerate(XSS))
    yield from (pytest.param(Row(f"/?q={quote(x)}", 200, "html", must_not=ACTIVE_HTML),
                             id=f"page-xss-{i}") for i, x in enumerate(XSS))
    yield pytest.param(Row("/?q=<script>alert(1)</script>", 200, "html",
                           must=["&lt;script&gt;alert(1)&lt;/script&gt;"], must_not=ACTIVE_HTML),
                       id="page-xss-echo-escaped")
    yield pytest.param(Row("/doc/{doc}?q=" + quote(XSS[0]), 200, "html", client="hostile",
                           must=["&lt;script&gt;alert(1)&lt;/script&gt;"], must_not=ACTIVE_HTML),
                       id="doc-page-xss-query")
    # markup inside the indexed report: title, heading and body
    for url, kind in [("/?q=测试", "html"), ("/?q=招商引资", "html"), ("/", "html"),
                      ("/doc/{doc}", "html"), ("/doc/{doc}?q=alert", "html")]:
        yield pytest.param(Row(url, 200, kind, client="hostile", must_not=ACTIVE_HTML,
                               must=["&lt;img src=x onerror=alert(1)&gt;"]),
                           id=f"hostile-report-{url}")
    # path traversal: never a file, never a 5xx
    for target in ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                   "%2e%2e", "..", "%252e%252e%252fetc%252fpasswd", "/etc/passwd",
                   "%2Fetc%2Fpasswd", quote(str(SEEDS / "000_9a38a3f335213bd4.txt"), safe=""),
                   "C:%5CWindows%5Cwin.ini", "....//....//etc/passwd", "%ff", "%00", "a" * 5000]:
        yield pytest.param(Row(f"/api/documents/{target}", 404), id=f"api-doc-{target[:20]}")
        yield pytest.param(Row(f"/doc/{target}", 404, "html"), id=f"doc-page-{target[:20]}")
    for target in ["../../../etc/passwd", "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e/%2e%2e/api.py",
                   "/etc/passwd", "..%2fapi.py"]:
        yield pytest.param(Row(f"/static/{target}", 404, "html", must_not=["bp = Blueprint"]),
                           id=f"static-{target[:20]}")
    yield pytest.param(Row("/api/search?q=doc:../../etc/passwd", 200), id="doc-filter-path")
    # NUL bytes and invalid UTF-8
    yield pytest.param(Row("/api/search?q=%00", 200, must=['"query":"\\u0000"']), id="q-nul")
    yield pytest.param(Row("/api/search?q=a%00b%00doc:%00", 200), id="q-nuls")
    yield pytest.param(Row("/api/search?doc=%00&section=%00", 200), id="filters-nul")
    yield pytest.param(Row("/?q=%00", 200, "html"), id="page-q-nul")
    yield pytest.param(Row("/api/analyze?text=%00%ff", 200), id="analyze-nul")
    yield pytest.param(Row("/api/search?q=%ff%fe", 200), id="q-bad-utf8")
    yield pytest.param(Row("/api/search?q=%C0%AF%ED%A0%80", 200), id="q-overlong-surrogate")
    yield pytest.param(Row("/api/search?%ff=%fe&q=%E9%95", 200), id="key-bad-utf8")
    yield pytest.param(Row("/?q=%ff%fe", 200, "html"), id="page-q-bad-utf8")
    yield pytest.param(Row("/api/%ff", 404, code="not_found"), id="api-path-bad-utf8")
    # too long
    yield pytest.param(Row("/api/search?q=" + "x" * 1_000_000, 400, code="invalid_query",
                           must=["the limit is 1000 (search.max_query_length)"]), id="q-1mb")
    yield pytest.param(Row("/?q=" + "x" * 1_000_000, 400, "html",
                           must=["查询有 1000000 个字，超过上限 1000 个字"]), id="page-q-1mb")
    yield pytest.param(Row("/api/analyze?text=" + "字" * 100_000, 400, code="invalid_parameter",
                           must=["longer than 1000 characters"]), id="analyze-long")
    # pages and sizes
    bad_page = "page must be a whole number from 1 to 1000"
    bad_size = "size must be a whole number from 1 to 100"
    for value, status in [("1000", 200), ("1001", 400), (str(10**9), 400), ("9" * 5000, 400),
                          ("²", 400), ("1e3", 400), ("0x10", 400), ("-0", 400), (" 7 ", 200),
                          ("007", 200), ("１", 200), ("1.0", 400)]:
        must = [bad_page] if status == 400 else []
        yield pytest.param(Row(f"/api/search?q=镇&page={quote(value)}", status,
                               code="invalid_parameter" if status == 400 else None, must=must),
                           id=f"page={value[:12]}")
    for value, status in [("0", 400), ("101", 400), ("-1", 400), ("100", 200), ("1", 200),
                          ("99999999999999999999", 400)]:
        must = [bad_size] if status == 400 else []
        yield pytest.param(Row(f"/api/search?q=镇&size={value}", status,
                               code="invalid_parameter" if status == 400 else None, must=must),
                           id=f"size={value[:12]}")
    yield pytest.param(Row("/api/search?q=镇&format=csv&size=1000", 200, "csv"), id="csv-1000")
    # a CSV export has every match: page and size do not apply
    yield pytest.param(Row("/api/search?q=镇&format=csv&size=1001&page=x", 200, "csv"),
                       id="csv-ignores-page-size")
    yield pytest.param(Row("/api/search?q=镇&format=xml", 400, code="invalid_parameter",
                           must=["format must be json or csv"]), id="format-xml")
    yield pytest.param(Row("/?q=镇&page=²", 400, "html", must=["参数 page 应是 1 到 1000 之间的整数。"],
                           must_not=[bad_page]), id="page-html-bad")
    for year in ["abcd", "１９９９", "2021%00", "%00", "99999", "%ff"]:
        yield pytest.param(Row(f"/api/search?q=镇&year={year}", 400, code="invalid_parameter",
                               must=["year must be a 4-digit year"]), id=f"api-year={year}")
        yield pytest.param(Row(f"/?q=镇&year={year}", 400, "html", must=["年份应是四位数字"]),
                           id=f"page-year={year}")
    # url_for's own arguments reach the page's links no more (they were a 500)
    for extra in ["format=json", "format=csv", "endpoint=x", "_anchor=x", "_method=POST",
                  "_scheme=ftp&_external=1"]:
        yield pytest.param(Row(f"/?q=镇&{extra}", 200, "html", must_not=["ftp:", "_anchor"]),
                           id=f"page-{extra}")
    # methods
    allowed = {"/api/search": ["POST"], "/api/documents": ["POST"],
               "/api/documents/x": ["DELETE"]}
    for path in ["/api/search", "/api/analyze", "/api/documents", "/api/documents/x",
                 "/api/health", "/api/openapi.json"]:
        for method in ["POST", "PUT", "DELETE", "PATCH"]:
            if method not in allowed.get(path, []):
                yield pytest.param(Row(path, 405, code="method_not_allowed", method=method),
                                   id=f"{method}-{path}")
    # POST /api/search wants a JSON body; uploads and deletes want the admin token
    yield pytest.param(Row("/api/search", 400, code="invalid_parameter", method="POST",
                           must=["JSON object"]), id="POST-/api/search-no-body")
    yield pytest.param(Row("/api/documents", 403, code="forbidden", method="POST"),
                       id="POST-/api/documents-no-token-configured")
    yield pytest.param(Row("/api/documents/x", 403, code="forbidden", method="DELETE"),
                       id="DELETE-/api/documents/x-no-token-configured")
    yield pytest.param(Row("/api/index", 405, code="method_not_allowed"), id="GET-/api/index")
    yield pytest.param(Row("/", 405, "html", method="POST"), id="POST-/")
    # the admin endpoint: only the exact token re-indexes
    for header, status in [(None, 401), ("Bearer", 401), ("Basic czNjcmV0LXRva2Vu", 401),
                           (TOKEN, 401), ("Bearer ", 401), ("Bearer wrong", 403),
                           (f"Bearer {TOKEN}x", 403), (f"Bearer {TOKEN[:-1]}", 403),
                           (f"Bearer  {TOKEN}", 403), ("Bearer \u00e9\u00ff", 403)]:
        code = "unauthorized" if status == 401 else "forbidden"
        yield pytest.param(Row("/api/index", status, code=code, method="POST", client="admin",
                               headers={"Authorization": header} if header else {}),
                           id=f"index-auth-{header}")


@pytest.mark.parametrize("row", list(rows()))
def test_hostile_input_clear_answer(clients, spec, row):
    client = clients[row.client]
    url = row.url
    if "{doc}" in url:
        url = url.replace("{doc}", client.get("/api/documents").get_json()["documents"][0]["doc_id"])
    before = clients["admin"].get("/api/health").get_json()

    response = client.open(url, method=row.method, headers=row.headers,
                           follow_redirects=True)  # /static//etc/passwd: 308 to one slash

    body = response.get_data(as_text=True)
    assert response.status_code == row.status, body[:300]
    assert not TRACEBACK.search(body) and PASSWD not in body
    assert response.mimetype == {"json": "application/json", "html": "text/html",
                                 "csv": "text/csv"}[row.kind]
    if row.kind == "json" and response.status_code >= 400:
        error = error_of(spec, response)
        if row.code:
            assert error["code"] == row.code
        else:
            assert error["code"] in ("not_found", "document_not_found")
    elif row.kind == "json":
        assert response.get_json() is not None
    if response.status_code == 405 and row.url.startswith("/api/"):
        assert ("POST" if row.url == "/api/index" else "GET") in response.headers["Allow"]
    if response.status_code == 401:
        assert response.headers["WWW-Authenticate"] == "Bearer"
    for text in row.must:
        assert text in body
    for text in row.must_not:
        assert text not in body
    assert clients["admin"].get("/api/health").get_json() == before  # nothing was re-indexed


def test_hostile_repeated_parameters_first_wins(seeds_client):
    def get(query):
        data = seeds_client.get("/api/search?" + query).get_json()
        return data["total"], data["page"], data["size"], [h["text"] for h in data["results"]]

    plain = get("q=乡村振兴&page=2&size=5")
    assert plain[0] > 10
    assert get("q=乡村振兴&q=%ff%00&page=2&page=abc&size=5&size=1000&format=json&format=x") == plain


def test_hostile_repeated_filters_are_ored(seeds_client):
    everything = seeds_client.get("/api/search?q=乡村振兴&size=100").get_json()
    first, second = (f["value"] for f in everything["facets"]["doc"][:2])
    both = seeds_client.get(f"/api/search?q=乡村振兴&size=100&doc={first}&doc={second}").get_json()
    counts = {f["value"]: f["count"] for f in everything["facets"]["doc"]}
    assert both["total"] == counts[first] + counts[second]


def test_hostile_empty_filter_values_are_ignored(seeds_client):
    """An HTML form with an empty <select> sends doc=&year=: that is no filter, not "no match"."""
    plain = seeds_client.get("/api/search?q=乡村振兴").get_json()
    assert plain["total"] > 0
    blank = seeds_client.get("/api/search?q=乡村振兴&doc=&year=%20&section=").get_json()
    assert blank["total"] == plain["total"]


def test_hostile_head_is_get_without_a_body(seeds_client):
    """HEAD is part of GET (RFC 9110 9.3.2): same status and type, no body; not a 405."""
    for url in ["/api/search?q=镇", "/api/health", "/api/documents/nope", "/api/search?page=0"]:
        get, head = seeds_client.get(url), seeds_client.head(url)
        assert (head.status_code, head.mimetype) == (get.status_code, get.mimetype)
        assert head.data == b""


def test_hostile_wrong_token_then_right_one(clients, tmp_path):
    """After every refusal the index is as it was; the right token (any case of "Bearer")
    then re-indexes."""
    admin = clients["admin"]
    before = admin.get("/api/health").get_json()
    assert admin.post("/api/index", headers={"Authorization": "Bearer nope"}).status_code == 403
    assert admin.get("/api/health").get_json() == before
    ok = admin.post("/api/index", headers={"Authorization": f"bearer {TOKEN}"})
    assert ok.status_code == 202
    deadline = time.monotonic() + 120
    while (job := admin.get(ok.headers["Location"], headers={"Authorization": f"BEARER {TOKEN}"})
           .get_json())["state"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert job["state"] == "done", job
    assert (job["summary"]["unchanged"], job["summary"]["failed"]) == (5, [])


def test_hostile_report_api_gives_text_as_data_and_escaped_snippets(clients):
    data = clients["hostile"].get("/api/search?q=alert").get_json()
    assert {h["title"] for h in data["results"]} == {"某镇<img src=x onerror=alert(1)>2020年工作总结"}
    assert any("<script>alert(1)</script>" in h["text"] for h in data["results"])
    assert [f["label"] for f in data["facets"]["doc"]] == [data["results"][0]["title"]]
    for hit in data["results"]:
        assert "<mark>alert</mark>" in hit["snippet_html"]
        assert not any(tag in hit["snippet_html"] for tag in ACTIVE_HTML)

"""The JSON API through Flask's test client: every endpoint, every error, against the OpenAPI doc."""

import csv
import io
import shutil
import time

import jsonschema
import pytest
from openapi_spec_validator import validate

from conftest import SEEDS, make_settings
from webui import create_app

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def app(seeds_index):
    return create_app({"TESTING": True, "SETTINGS": seeds_index})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def spec(app):
    doc = app.test_client().get("/api/openapi.json").get_json()
    validate(doc)
    return doc


def check(spec, response, path, method="get"):
    """Validate a response body against the schema the OpenAPI document gives for it."""
    op = spec["paths"][path][method]
    answer = op["responses"][str(response.status_code)]
    if "$ref" in answer:
        answer = spec["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    schema = answer["content"]["application/json"]["schema"]
    resolver_doc = {**schema, "components": spec["components"]}
    jsonschema.validate(response.get_json(), resolver_doc,
                        cls=jsonschema.Draft202012Validator)
    return response.get_json()


def error_of(spec, response) -> dict:
    """The error object of a response that must be the documented envelope."""
    assert response.mimetype == "application/json", response.data[:200]
    body = response.get_json()
    schema = {**spec["components"]["schemas"]["Error"], "components": spec["components"]}
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)
    return body["error"]


def test_api_search_shape_and_highlights(client, spec):
    response = client.get("/api/search", query_string={"q": '"户户通"'})
    assert response.status_code == 200
    data = check(spec, response, "/api/search")
    assert data["total"] == 3 and data["page"] == 1 and data["size"] == 10
    for hit in data["results"]:
        assert [hit["text"][s:e] for s, e in hit["highlights"]] == ["户户通"] * len(hit["highlights"])
        assert "<mark>户户通</mark>" in hit["snippet_html"]


def test_api_search_pagination_and_filters(client, spec):
    everything = client.get("/api/search?q=乡村振兴&size=100").get_json()
    page2 = check(spec, client.get("/api/search?q=乡村振兴&size=2&page=2"), "/api/search")
    assert page2["results"] == everything["results"][2:4]
    doc = everything["facets"]["doc"][0]
    narrowed = client.get("/api/search", query_string={"q": "乡村振兴", "doc": doc["value"]}).get_json()
    assert narrowed["total"] == doc["count"]
    assert {h["doc_id"] for h in narrowed["results"]} == {doc["value"]}
    year = client.get("/api/search?q=乡村振兴&year=2021&size=100").get_json()
    assert year["total"] < everything["total"]
    deep = client.get("/api/search?q=乡村振兴&page=1000").get_json()
    assert deep["results"] == [] and deep["total"] == everything["total"]


def test_api_search_facet_size_keeps_the_values_with_most_matches(client, spec):
    every = check(spec, client.get("/api/search?q=镇&facet_size=10000"), "/api/search")["facets"]
    assert len(every["section"]) > 3  # enough values for the cap to matter
    for name, items in every.items():
        counts = [item["count"] for item in items]
        assert counts == sorted(counts, reverse=True), name
    two = check(spec, client.get("/api/search?q=镇&facet_size=2"), "/api/search")["facets"]
    assert two == {name: items[:2] for name, items in every.items()}
    default = client.get("/api/search?q=镇").get_json()["facets"]
    assert default == {name: items[:20] for name, items in every.items()}
    none = check(spec, client.get("/api/search?q=镇&facet_size=0"), "/api/search")
    assert none["facets"] == {"doc": [], "year": [], "section": []} and none["total"] > 0


def test_api_search_escapes_html(hostile_client):
    hit = hostile_client.get("/api/search?q=测试").get_json()["results"][0]
    assert "<script>" not in hit["snippet_html"]
    assert "&lt;script&gt;" in hit["snippet_html"]
    assert "<script>" in hit["text"]


@pytest.mark.parametrize("query, message", [
    ("page=abc", "page must be a whole number from 1 to 1000"),
    ("page=0", "page must be a whole number from 1 to 1000"),
    ("page=1001", "page must be a whole number from 1 to 1000"),
    ("size=101", "size must be a whole number from 1 to 100"),
    ("size=-1", "size must be a whole number from 1 to 100"),
    ("facet_size=-1", "facet_size must be a whole number from 0 to 10000"),
    ("facet_size=10001", "facet_size must be a whole number from 0 to 10000"),
    ("facet_size=x", "facet_size must be a whole number from 0 to 10000"),
])
def test_api_search_bad_parameters_400(client, spec, query, message):
    response = client.get(f"/api/search?q=镇&{query}")
    assert response.status_code == 400
    assert check(spec, response, "/api/search") == {
        "error": {"code": "invalid_parameter", "message": message}}


def test_api_search_query_too_long_400(client, spec):
    response = client.get("/api/search", query_string={"q": "字" * 1001})
    assert response.status_code == 400
    assert check(spec, response, "/api/search")["error"] == {
        "code": "invalid_query",
        "message": "query is 1001 characters long; the limit is 1000 (search.max_query_length)",
    }


def test_api_search_csv_export(client):
    response = client.get("/api/search?q=%22户户通%22&format=csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0] == ["rank", "doc_id", "title", "section_path", "paragraph", "score", "text", "file_name",
                       "partial"]
    assert len(rows) == 4 and all("户户通" in r[6] and r[7].endswith(".txt") for r in rows[1:])


def test_api_analyze(client, spec):
    data = check(spec, client.get("/api/analyze?text=乡村振兴S313"), "/api/analyze")
    assert [t["text"] for t in data["fields"]["body"]["query"]] == ["乡村振兴", "s313"]


def test_api_documents_and_document(client, spec):
    docs = check(spec, client.get("/api/documents"), "/api/documents")["documents"]
    assert len(docs) == 5
    first = docs[0]
    doc = check(spec, client.get(f"/api/documents/{first['doc_id']}"), "/api/documents/{doc_id}")
    assert doc["title"] == first["title"] == "X镇政府2020年工作总结及2021年工作打算"
    assert len(doc["paragraphs"]) == first["paragraph_count"]
    assert [s["heading"] for s in doc["sections"]][:2] == ["一、2020年工作总结", "（一）众志成城，疫情防控成效显著。"]


@pytest.mark.parametrize("doc_id", ["nope", "..%2F..%2Fetc%2Fpasswd", "%00"])
def test_api_unknown_document_404(client, spec, doc_id):
    response = client.get(f"/api/documents/{doc_id}")
    assert response.status_code == 404
    assert check(spec, response, "/api/documents/{doc_id}")["error"]["code"] in (
        "document_not_found", "not_found")


def test_api_health(client, spec):
    data = check(spec, client.get("/api/health"), "/api/health")
    assert data["documents"] == 5 and data["paragraphs"] == 125


def test_api_unknown_route_and_method_are_json(client):
    response = client.get("/api/nope")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    response = client.delete("/api/search")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_api_index_disabled_without_token(client):
    response = client.post("/api/index")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_api_index_with_token(tmp_path, spec):
    """Refused without the right token; with it, a job that indexes the new file (the job
    itself is tested in test_jobs.py)."""
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    settings = make_settings(tmp_path / "ix", [folder], server__admin_token=TOKEN)
    from indexer.writer import index_reports
    index_reports(settings)
    client = create_app({"TESTING": True, "SETTINGS": settings}).test_client()
    (folder / "new.txt").write_text("某镇2023年工作总结\n独角兽企业落户。\n", "utf-8")

    missing = client.post("/api/index")
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == "Bearer"
    wrong = client.post("/api/index", headers={"Authorization": "Bearer wrong-token"})
    assert wrong.status_code == 403
    assert client.get("/api/search?q=%22独角兽%22").get_json()["total"] == 0  # nothing changed

    auth = {"Authorization": f"Bearer {TOKEN}"}
    ok = client.post("/api/index", headers=auth)
    assert ok.status_code == 202
    job = check(spec, ok, "/api/index", "post")
    deadline = time.monotonic() + 120
    while job["state"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        job = client.get(ok.headers["Location"], headers=auth).get_json()
    assert job["state"] == "done", job
    assert (job["summary"]["added"], job["summary"]["unchanged"]) == (1, 5)
    assert client.get("/api/search?q=%22独角兽%22").get_json()["total"] == 1


def test_api_internal_error_is_json_without_details(app, monkeypatch, caplog):
    def boom():
        raise RuntimeError("secret detail")
    monkeypatch.setattr("webui.api.get_reader", boom)
    response = app.test_client().get("/api/health")
    assert response.status_code == 500
    assert response.get_json() == {"error": {"code": "internal", "message": "internal error; it has been logged"}}
    # logged with its traceback, for the operator; the client saw none of it
    logged = [r for r in caplog.records if r.exc_info]
    assert logged and "secret detail" in str(logged[-1].exc_info[1])
    assert b"secret detail" not in response.data


def test_api_without_index_503(tmp_path):
    settings = make_settings(tmp_path / "none", [])
    client = create_app({"TESTING": True, "SETTINGS": settings}).test_client()
    response = client.get("/api/search?q=镇")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "index_not_found"


def test_app_refuses_to_start_with_bad_config(tmp_path, monkeypatch):
    from indexer.errors import ConfigError

    config = tmp_path / "bad.yaml"
    config.write_text("server:\n  wokers: 3\n", "utf-8")
    monkeypatch.setenv("REPORT_SEARCH_CONFIG", str(config))
    with pytest.raises(ConfigError, match="Invalid setting 'server.wokers'"):
        create_app()


def test_serve_with_bad_config_exits_with_message(tmp_path):
    from click.testing import CliRunner

    from indexer.cli import main

    config = tmp_path / "bad.yaml"
    config.write_text("server:\n  port: 0\n", "utf-8")
    result = CliRunner().invoke(main, ["serve", "--config", str(config)])
    assert result.exit_code == 1
    assert "Invalid value for 'server.port'" in result.output


# -- CSV export: every match, formula-safe ------------------------------------------------------

def csv_rows(response) -> list[list[str]]:
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_api_csv_export_has_every_match_whatever_page_and_size(client):
    total = client.get("/api/search?q=镇").get_json()["total"]
    assert total > 20  # more than a page, so "every match" differs from "this page"
    response = client.get("/api/search?q=镇&format=csv&page=2&size=5")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert (response.headers["X-Total-Count"], response.headers["X-Truncated"]) == (str(total), "false")
    rows = csv_rows(response)[1:]
    assert [int(r[0]) for r in rows] == list(range(1, total + 1))
    everything = client.get(f"/api/search?q=镇&size={total}").get_json()["results"]
    assert [(r[1], int(r[4])) for r in rows] == [(h["doc_id"], h["paragraph"]) for h in everything]


def test_api_csv_export_stops_at_the_cap_and_says_so(seeds_index):
    client = create_app({"TESTING": True, "SETTINGS": seeds_index, "EXPORT_LIMIT": 7}).test_client()
    response = client.get("/api/search?q=镇&format=csv")
    total = client.get("/api/search?q=镇").get_json()["total"]
    assert len(csv_rows(response)) == 1 + 7
    assert (response.headers["X-Total-Count"], response.headers["X-Truncated"]) == (str(total), "true")


def test_api_csv_export_cap_is_documented(spec):
    from webui.export import EXPORT_LIMIT

    search = spec["paths"]["/api/search"]["get"]
    fmt = next(p for p in search["parameters"] if p["name"] == "format")
    assert f"up to {EXPORT_LIMIT} rows" in fmt["description"]
    assert {"X-Total-Count", "X-Truncated"} <= set(search["responses"]["200"]["headers"])


def test_api_csv_export_neutralises_formulas(tmp_path):
    """A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection)."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "x.txt").write_text(
        '=HYPERLINK("http://evil.example/")某镇2020年工作总结\n一、工作\n'
        "=1+2 测试甲。\n+3 测试乙。\n-4 测试丙。\n@SUM(A1) 测试丁。\n", "utf-8")
    settings = make_settings(tmp_path / "ix", [folder])
    from indexer.writer import index_reports
    index_reports(settings)
    client = create_app({"TESTING": True, "SETTINGS": settings}).test_client()
    rows = csv_rows(client.get("/api/search?q=测试&format=csv"))[1:]
    assert {r[2] for r in rows} == {"'=HYPERLINK(\"http://evil.example/\")某镇2020年工作总结"}
    assert sorted(r[6] for r in rows) == ["'+3 测试乙。", "'-4 测试丙。", "'=1+2 测试甲。", "'@SUM(A1) 测试丁。"]
    # the JSON keeps the text as it is
    texts = {h["text"] for h in client.get("/api/search?q=测试").get_json()["results"]}
    assert "=1+2 测试甲。" in texts


# -- /api/documents pages; year must be a year --------------------------------------------------

def test_api_documents_paged(client, spec):
    every = check(spec, client.get("/api/documents"), "/api/documents")
    assert (every["total"], every["page"], every["size"], len(every["documents"])) == (5, 1, 100, 5)
    pages = [check(spec, client.get(f"/api/documents?size=2&page={n}"), "/api/documents")
             for n in (1, 2, 3, 4)]
    assert [len(p["documents"]) for p in pages] == [2, 2, 1, 0]
    assert all(p["total"] == 5 and p["size"] == 2 for p in pages)
    assert [d for p in pages for d in p["documents"]] == every["documents"]
    params = {p["name"]: p["schema"] for p in spec["paths"]["/api/documents"]["get"]["parameters"]}
    assert params["size"]["maximum"] == 1000 and params["page"]["maximum"] == 100000


@pytest.mark.parametrize("query, message", [
    ("size=1001", "size must be a whole number from 1 to 1000"),
    ("size=0", "size must be a whole number from 1 to 1000"),
    ("page=0", "page must be a whole number from 1 to 100000"),
    ("page=x", "page must be a whole number from 1 to 100000"),
])
def test_api_documents_bad_paging_400(client, spec, query, message):
    response = client.get(f"/api/documents?{query}")
    assert response.status_code == 400
    assert check(spec, response, "/api/documents") == {
        "error": {"code": "invalid_parameter", "message": message}}


@pytest.mark.parametrize("year", ["abcd", "202", "20211", "2021x", "２０２１", "2021-01", "-2021"])
def test_api_search_year_must_be_four_digits(client, spec, year):
    response = client.get("/api/search", query_string={"q": "镇", "year": year})
    assert response.status_code == 400
    assert check(spec, response, "/api/search") == {"error": {
        "code": "invalid_parameter", "message": "year must be a 4-digit year such as 2021"}}


def test_api_search_year_blank_or_padded(client):
    def total(**params):
        return client.get("/api/search", query_string={"q": "镇", **params}).get_json()["total"]
    assert total(year=" 2021 ") == total(year="2021") < total()
    assert total(year=" ") == total()


# -- every domain error through the API ---------------------------------------------------------

def error_classes():
    import webui.engine  # noqa: F401  (its BadParameter is one of them)
    from indexer.errors import ReportSearchError

    found, todo = [], [ReportSearchError]
    while todo:  # recursively: a subclass of a subclass counts too
        cls = todo.pop()
        found.append(cls)
        todo += cls.__subclasses__()
    return found


# The statuses a client relies on; any other code is a server-side failure, 500.
KNOWN_STATUS = {"invalid_parameter": 400, "invalid_query": 400, "document_not_found": 404,
                "job_not_found": 404, "index_busy": 409, "index_not_found": 503,
                "not_an_upload": 409, "unsupported_media_type": 415, "no_files": 422,
                "csrf_failed": 400}


def test_api_every_error_class_gets_its_code_and_status(client, spec, monkeypatch):
    from indexer.search import IndexReader

    classes = error_classes()
    assert {"index_worker_failed", "unreadable_file", "invalid_config"} <= {c.code for c in classes}
    for cls in classes:
        def fail(*args, _cls=cls, **kwargs):
            raise _cls(f"{_cls.__name__} happened")
        monkeypatch.setattr(IndexReader, "search", fail)
        response = client.get("/api/search?q=镇")
        assert response.status_code == KNOWN_STATUS.get(cls.code, 500), cls
        assert error_of(spec, response) == {"code": cls.code, "message": f"{cls.__name__} happened"}


# -- /api/docs: Swagger UI, offline ---------------------------------------------------------------

def test_api_docs_page_is_offline_swagger_ui(client):
    import re

    response = client.get("/api/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "SwaggerUIBundle" in page and '"/api/openapi.json"' in page
    assert "validatorUrl: null" in page  # else Swagger UI fetches a badge from its own site
    assert not re.search(r"https?:|[\"'(=]\s*//", page), "an outside URL"
    assets = [a for a in re.findall(r'(?:src|href)="([^"]+)"', page) if a.startswith("/api/docs/")]
    assert {a.rsplit("/", 1)[1] for a in assets} >= {"swagger-ui-bundle.js", "swagger-ui.css"}
    for asset in assets:
        with client.get(asset) as got:  # a file response: closed here
            assert got.status_code == 200, asset
            assert got.mimetype in ("text/css", "text/javascript", "image/png"), asset


def test_api_docs_serves_only_its_assets(client):
    for name in ["oauth2-redirect.html", "LICENSE", "..%2F__init__.py", "nope.js"]:
        response = client.get(f"/api/docs/{name}")
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


def test_api_search_post_json_body_finds_a_pasted_paragraph(client, spec, seed_reports):
    """A whole paragraph, too long for a URL once encoded, finds the paragraph it came from."""
    report = next(r for r in seed_reports.values() if len(r.paragraphs) > 5)
    block = max(report.paragraphs, key=lambda b: len(b.text))
    assert len(block.text.encode()) * 3 > 4096 or len(block.text) > 200
    response = client.post("/api/search", json={"q": block.text, "size": 3, "facet_size": 0})
    data = check(spec, response, "/api/search", "post")
    assert (data["results"][0]["title"], data["results"][0]["paragraph"]) == (report.title,
                                                                              block.number)
    same = client.get("/api/search", query_string={"q": "户户通", "year": "2020"}).get_json()
    posted = client.post("/api/search", json={"q": "户户通", "year": [2020]}).get_json()
    assert [h["paragraph"] for h in posted["results"]] == [h["paragraph"] for h in same["results"]]


@pytest.mark.parametrize("body", ["not json", '["a list"]', '{"q": {"nested": 1}}',
                                  '{"q": "x", "page": true}'])
def test_api_search_post_bad_body_400(client, spec, body):
    response = client.post("/api/search", data=body, content_type="application/json")
    assert response.status_code == 400
    assert error_of(spec, response)["code"] == "invalid_parameter"


def test_api_search_suggestions_as_the_page_shows_them(client, spec):
    data = check(spec, client.get("/api/search", query_string={"q": "户户痛"}), "/api/search")
    assert data["total"] == 0 and data["suggestions"][0] == "户户通"
    found = client.get("/api/search", query_string={"q": "户户通"}).get_json()
    assert found["total"] and found["suggestions"] == []

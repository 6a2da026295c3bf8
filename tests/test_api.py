"""The JSON API through Flask's test client: every endpoint, every error, against the OpenAPI doc."""

import csv
import io
import shutil

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
    assert rows[0] == ["rank", "doc_id", "title", "section_path", "paragraph", "score", "text"]
    assert len(rows) == 4 and all("户户通" in r[6] for r in rows[1:])


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

    ok = client.post("/api/index", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200
    summary = check(spec, ok, "/api/index", "post")
    assert (summary["added"], summary["skipped"]) == (1, 5)
    assert client.get("/api/search?q=%22独角兽%22").get_json()["total"] == 1


def test_api_internal_error_is_json_without_details(app, monkeypatch):
    from webui import engine

    def boom():
        raise RuntimeError("secret detail")
    monkeypatch.setattr("webui.api.get_reader", boom)
    response = app.test_client().get("/api/health")
    assert response.status_code == 500
    assert response.get_json() == {"error": {"code": "internal", "message": "internal error; it has been logged"}}
    assert engine  # the module the real reader comes from


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

"""Reports that share a title, or whose title line is invisible, are told apart by their file
name: in document summaries, hits, facets and on the pages; paths are shown relative to the
indexed folder, never as the server's absolute paths."""

import re

import jsonschema
import pytest

from conftest import make_settings
from indexer import store
from indexer.search import IndexReader
from indexer.writer import index_reports
from webui import create_app

REPORTS = {
    "广东省.txt": "政府工作报告\n——2026年1月26日在广东省人民代表大会上\n一、发展成就\n乡村振兴取得新进展。\n",
    "sub/海南省.txt": "政府工作报告\n一、发展成就\n乡村振兴全面推进。\n",
    # Wikisource: a title line of U+200B, the real title cut by a link.
    "GWR_2017.txt": "\u200b\n\n\n政府工作报\n告\n\n一、回顾\n乡村振兴稳步实施。\n",
    "某县.txt": "某县2025年工作总结\n一、农业\n乡村振兴扎实开展。\n",
}


@pytest.fixture(scope="module")
def titled(tmp_path_factory):
    base = tmp_path_factory.mktemp("titles")
    folder = base / "reports"
    for name, text in REPORTS.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, "utf-8")
    settings = make_settings(base / "ix", [folder])
    index_reports(settings)
    return settings, folder


@pytest.fixture(scope="module")
def reader(titled):
    reader = IndexReader(titled[0])
    yield reader
    reader.close()


def test_documents_carry_file_name_and_relative_path(reader):
    docs = {d["file_name"]: d for d in reader.documents()}
    assert {name: d["path"] for name, d in docs.items()} == {
        "广东省.txt": "广东省.txt", "海南省.txt": "sub/海南省.txt",
        "GWR_2017.txt": "GWR_2017.txt", "某县.txt": "某县.txt",
    }
    assert docs["GWR_2017.txt"]["title"] == "政府工作报告"
    one = reader.document(docs["海南省.txt"]["doc_id"])
    assert (one["file_name"], one["path"]) == ("海南省.txt", "sub/海南省.txt")


def test_paths_relative_to_the_sources_the_index_records(titled, reader):
    settings, folder = titled
    gen_dir = store.current_dir(settings["index.path"])
    meta = store.read_meta(gen_dir)
    try:
        store.write_meta(gen_dir, {**meta, "sources": [str(folder / "sub"), str(folder / "某县.txt")]})
        paths = {d["file_name"]: d["path"] for d in reader.documents()}
        assert paths["海南省.txt"] == "海南省.txt"  # relative to the folder that holds it
        assert paths["某县.txt"] == "某县.txt"  # a file indexed on its own: its name
        assert paths["广东省.txt"] == "广东省.txt"  # under no source: still no server path
    finally:
        store.write_meta(gen_dir, meta)


def test_hits_and_facets_tell_shared_titles_apart(reader):
    page = reader.search("乡村振兴", size=10)
    by_file = {h.file_name: h for h in page.results}
    assert set(by_file) == {"广东省.txt", "海南省.txt", "GWR_2017.txt", "某县.txt"}
    assert by_file["海南省.txt"].title_shared and not by_file["某县.txt"].title_shared
    labels = {item["file_name"]: item["label"] for item in page.facets["doc"]}
    assert labels == {
        "广东省.txt": "政府工作报告（广东省.txt）", "海南省.txt": "政府工作报告（海南省.txt）",
        "GWR_2017.txt": "政府工作报告（GWR_2017.txt）", "某县.txt": "某县2025年工作总结",
    }


@pytest.fixture(scope="module")
def client(titled):
    return create_app({"TESTING": True, "SETTINGS": titled[0]}).test_client()


def test_page_home_lists_file_names_and_no_empty_titles(client):
    page = client.get("/").get_data(as_text=True)
    items = re.findall(r'<li><a href="/doc/[^"]+">([^<]*)</a> <span class="meta file">([^<]*)</span>',
                       page)
    assert sorted(items) == sorted([("政府工作报告", "广东省.txt"), ("政府工作报告", "海南省.txt"),
                                    ("政府工作报告", "GWR_2017.txt"), ("某县2025年工作总结", "某县.txt")])


def test_page_results_and_facets_show_file_name_of_shared_titles(client):
    page = client.get("/", query_string={"q": "乡村振兴"}).get_data(as_text=True)
    crumbs = re.findall(r'<a class="title" href="[^"]+">([^<]*)</a>( <span class="file">([^<]*)</span>)?',
                        page)
    assert sorted((title, name) for title, _, name in crumbs) == sorted([
        ("政府工作报告", "广东省.txt"), ("政府工作报告", "海南省.txt"),
        ("政府工作报告", "GWR_2017.txt"), ("某县2025年工作总结", ""),
    ])
    assert "政府工作报告（海南省.txt）</a>" in page


def test_page_document_shows_file_name(client, reader):
    doc_id = next(d["doc_id"] for d in reader.documents() if d["file_name"] == "海南省.txt")
    page = client.get(f"/doc/{doc_id}").get_data(as_text=True)
    assert "<h1>政府工作报告</h1>\n<p class=\"meta file\">海南省.txt · " in page


def test_api_file_names_match_the_schema(client):
    spec = client.get("/api/openapi.json").get_json()
    schemas = spec["components"]["schemas"]

    def valid(body, name):
        jsonschema.validate(body, {**schemas[name], "components": spec["components"]},
                            cls=jsonschema.Draft202012Validator)

    body = client.get("/api/search", query_string={"q": "乡村振兴 量子"}).get_json()
    valid(body, "SearchPage")
    assert body["missing"] == ["量子"] and all(h["file_name"] for h in body["results"])
    assert all(item["file_name"] for item in body["facets"]["doc"])
    for doc in client.get("/api/documents").get_json()["documents"]:
        valid(doc, "DocumentSummary")
        assert not doc["path"].startswith("/")

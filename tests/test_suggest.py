"""What a search says it could not find ("未找到：…"), and "did you mean": only suggestions
that find something, and bounded work however long the query."""

import pytest
from whoosh import spelling

from conftest import make_settings
from indexer.matching import Evaluator
from indexer.search import IndexReader
from indexer.writer import index_reports
from webui import create_app


def test_search_missing_names_the_dropped_term(seeds_reader):
    relaxed = seeds_reader.search("户户通 量子计算")
    assert relaxed.relaxed and relaxed.partial_total and relaxed.missing == ["量子计算"]
    assert relaxed.as_json()["missing"] == ["量子计算"]
    nothing = seeds_reader.search('量子计算机 "户户痛" 户户通')  # a quoted phrase stays strict
    assert not nothing.results and nothing.missing == ["量子计算机", '"户户痛"']
    assert seeds_reader.search("户户通 农村公路").missing == []  # found together: nothing missing
    assert seeds_reader.search("户户通 -户户通").missing == []  # excluded away, not missing


def test_search_relaxed_only_when_it_shows_something(seeds_reader):
    page = seeds_reader.search("量子计算 黑洞引力")
    assert (page.total, page.relaxed, page.missing) == (0, False, ["量子计算", "黑洞引力"])
    typo = seeds_reader.search("户户痛 量子计算")  # 户户痛's word 户户 is in 户户通
    assert (typo.total, typo.relaxed, typo.missing) == (0, True, ["户户痛", "量子计算"])


def test_page_shows_missing_terms(seeds_client):
    page = seeds_client.get("/", query_string={"q": "户户通 量子计算"}).get_data(as_text=True)
    assert '<p class="meta" id="missing">未找到：<s>量子计算</s></p>' in page
    plain = seeds_client.get("/", query_string={"q": "户户通"}).get_data(as_text=True)
    assert 'id="missing"' not in plain


def test_suggest_only_what_finds_something_with_every_word(seeds_reader):
    # 量子 -> 班子 is one edit, and "班子 计算机" found 班子 only by dropping 计算机.
    assert seeds_reader.suggest("量子计算机") == []
    assert seeds_reader.suggest("户户痛")[0] == "户户通"
    assert seeds_reader.suggest("量子户户通") == ["户户通"]  # keeps the word that matches
    assert seeds_reader.suggest('"户户痛"')[0] == '"户户通"'
    for query in ("户户痛", "量子户户通", "户户痛 量子计算", "班子计算机", '"户户痛"'):
        for suggestion in seeds_reader.suggest(query):
            page = seeds_reader.search(suggestion)
            assert page.total and not page.relaxed, (query, suggestion)


@pytest.fixture
def work(monkeypatch):
    """Counts of spelling-corrector calls and query evaluations from here on."""
    counts = {"corrector": 0, "evaluations": 0}
    suggest, run = spelling.Corrector.suggest, Evaluator.run

    def counted_suggest(self, *args, **kwargs):
        counts["corrector"] += 1
        return suggest(self, *args, **kwargs)

    def counted_run(self, *args, **kwargs):
        counts["evaluations"] += 1
        return run(self, *args, **kwargs)

    monkeypatch.setattr(spelling.Corrector, "suggest", counted_suggest)
    monkeypatch.setattr(Evaluator, "run", counted_run)
    return counts


def test_suggest_work_is_bounded_for_long_queries(seeds_reader, work):
    # 999 characters that match nothing ran the corrector 333 times plus once per candidate.
    query = ("量子 " * 333)[:999]
    assert seeds_reader.suggest(query) == []
    assert work == {"corrector": 0, "evaluations": 0}


def test_suggest_corrects_each_distinct_term_once(seeds_reader, work):
    assert seeds_reader.suggest("户户痛 户户痛 户户痛 户户痛")[0] == "户户通"
    assert work["corrector"] == 1  # 户户痛 once; its words 户户 and 痛 are too short to correct


@pytest.fixture
def latin_index(tmp_path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "a.txt").write_text("某县工作总结\n推进 abcd 项目建设。\n", "utf-8")
    settings = make_settings(tmp_path / "ix", [tmp_path / "reports"])
    index_reports(settings)
    return settings


def test_suggest_drops_suggestions_longer_than_the_query_limit(latin_index):
    roomy = IndexReader(latin_index)
    tight = IndexReader(latin_index.replace(search__max_query_length=3))
    try:
        assert roomy.suggest("abc") == ["abcd"]
        assert tight.suggest("abc") == []  # "abcd" would be refused as too long
    finally:
        roomy.close()
        tight.close()
    client = create_app({"TESTING": True,
                         "SETTINGS": latin_index.replace(search__max_query_length=3)}).test_client()
    response = client.get("/", query_string={"q": "abc"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "没有找到包含“<strong>abc</strong>”的段落" in page and 'class="error"' not in page

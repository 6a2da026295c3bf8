"""Query-side relevance features: synonyms from the YAML list and the any-term fallback."""

import pytest

from conftest import make_settings
from indexer.analysis import squeeze
from indexer.highlight import Exact, find_spans
from indexer.search import IndexReader, synonym_map
from indexer.writer import index_reports
from webui import create_app


def texts(page) -> list[str]:
    return [squeeze(h.text) for h in page.results]


def test_synonym_finds_the_other_word_and_highlights_it(seeds_reader):
    page = seeds_reader.search("扶贫", size=100)
    only_other = [h for h in page.results if "脱贫" in h.text and "扶贫" not in h.text]
    assert only_other, "a paragraph that says 脱贫 but never 扶贫 is found"
    hit = only_other[0]
    assert "脱贫" in [hit.text[s:e] for s, e in hit.highlights]
    # the word typed still ranks first
    assert "扶贫" in texts(page)[0]


def test_quoted_phrase_is_never_expanded(seeds_reader):
    page = seeds_reader.search('"扶贫"', size=100)
    assert page.total and all("扶贫" in t for t in texts(page))


def test_extra_synonyms_from_config(seeds_index):
    plain = IndexReader(seeds_index)
    extended = IndexReader(seeds_index.replace(search__extra_synonyms=[["甲乙丙丁", "户户通"]]))
    try:
        assert plain.search("甲乙丙丁").total == 0
        page = extended.search("甲乙丙丁")
        assert page.total and all("户户通" in t for t in texts(page))
    finally:
        plain.close()
        extended.close()


def test_synonym_map_is_symmetric_and_normalised():
    table = synonym_map([["疫情", "新冠"], ["新冠", "ＣＯＶＩＤ"]])
    assert table["疫情"] == ["新冠"]
    assert table["covid"] == ["新冠"]
    assert sorted(table["新冠"]) == ["covid", "疫情"]


def test_no_paragraph_with_every_word_falls_back_to_some(seeds_reader, seeds_index):
    strict = seeds_reader.search("户户通 量子计算")
    assert strict.relaxed and strict.total
    assert all("户户通" in t for t in texts(strict))
    assert not seeds_reader.search("户户通 农村公路").relaxed  # together somewhere: no fallback
    assert seeds_reader.search("量子计算").total == 0  # one term: nothing to fall back to

    client = create_app({"TESTING": True, "SETTINGS": seeds_index}).test_client()
    body = client.get("/api/search", query_string={"q": "户户通 量子计算"}).get_json()
    assert body["relaxed"] is True and body["total"] == strict.total
    page = client.get("/", query_string={"q": "户户通 量子计算"}).get_data(as_text=True)
    assert 'id="relaxed"' in page
    assert 'id="relaxed"' not in client.get("/", query_string={"q": "户户通"}).get_data(as_text=True)


LATIN_REPORT = """某市2025年工作报告
一、科技创新
推进人工智能产业发展。
AI 芯片产能翻番。
Public domain 资料整理完毕。
5G网络覆盖全部乡镇。
15G网络测试另行安排。
GDP增长5%。
GDPR 合规培训。
"""


@pytest.fixture(scope="module")
def latin_reader(tmp_path_factory):
    base = tmp_path_factory.mktemp("latin")
    (base / "reports").mkdir()
    (base / "reports" / "a.txt").write_text(LATIN_REPORT, "utf-8")
    settings = make_settings(base / "ix", [base / "reports"],
                             search__extra_synonyms=[["5g网络", "第五代移动通信"]])
    index_reports(settings)
    reader = IndexReader(settings)
    yield reader
    reader.close()


def marked(hit) -> list[str]:
    return [hit.text[s:e] for s, e in hit.highlights]


def test_latin_synonym_matches_whole_words_only(latin_reader):
    # The synonym "ai" of 人工智能 matched "domain": 6 of 8 results on the national reports.
    page = latin_reader.search("人工智能", size=20)
    assert sorted(texts(page)) == sorted(["推进人工智能产业发展。", "ai芯片产能翻番。"])
    ai = latin_reader.search("ai", size=20)
    assert "publicdomain资料整理完毕。" not in texts(ai) and "ai芯片产能翻番。" in texts(ai)


def test_latin_and_digits_match_at_word_boundaries(latin_reader):
    assert texts(latin_reader.search("5g")) == ["5g网络覆盖全部乡镇。"]
    assert texts(latin_reader.search("第五代移动通信")) == ["5g网络覆盖全部乡镇。"]
    gdp = latin_reader.search("gdp", size=20)
    assert "gdpr合规培训。" not in texts(gdp) and "gdp增长5%。" in texts(gdp)
    assert [marked(h) for h in gdp.results if "GDP增长" in h.text] == [["GDP"]]


def test_quoted_latin_phrase_stays_an_exact_substring(latin_reader):
    page = latin_reader.search('"ai"', size=20)
    assert "publicdomain资料整理完毕。" in texts(page)
    hit = next(h for h in page.results if "domain" in h.text)
    assert marked(hit) == ["ai"]  # inside "domain", as the phrase matched it


def test_find_spans_latin_boundaries():
    text = "Public domain, AI 与 5G网络、15G网络"
    assert [text[s:e] for s, e in find_spans(text, ["ai", "5g网络"])] == ["AI", "5G网络"]
    assert [text[s:e] for s, e in find_spans(text, [Exact("ai")])] == ["ai", "AI"]


def test_codes_match_and_highlight_as_whole_tokens(tmp_path):
    """A number or code matches where the tokenizer reads it whole: "5%" is not inside "12.5%",
    "5g" not inside "5G-A"; the highlight agrees, and an exact phrase of the same text still
    marks it inside."""
    from indexer.highlight import Exact, find_spans

    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "a.txt").write_text("某镇2023年工作总结\n增速达到12.5%。\n建成5G-A基站。\n"
                                  "利率下调5%。\n", "utf-8")
    settings = make_settings(tmp_path / "ix", [folder])
    index_reports(settings)
    reader = IndexReader(settings)
    try:
        assert [h.text for h in reader.search("5%").results] == ["利率下调5%。"]
    finally:
        reader.close()
    assert find_spans("增速达到12.5%，5%", ["5%"]) == [[10, 12]]
    assert find_spans("建成5G-A基站", ["5g"]) == []
    assert find_spans("Public domain", ["ai", Exact("ai")]) == [[10, 12]]

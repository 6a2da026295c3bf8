"""Query-side relevance features: synonyms from the YAML list and the any-term fallback."""

from indexer.analysis import squeeze
from indexer.search import IndexReader, synonym_map
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

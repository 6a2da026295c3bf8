"""Exact phrases: the index must agree with a plain substring scan of the seeds, always."""

import random

import pytest

from indexer.analysis import squeeze
from indexer.search import IndexReader

NAMED = ["振兴战略", "村集体经济", "一带一园五区", "户户通", "镇", "4.65%", "CFL", "S313", "2020",
         "一肩挑", "双招双引", "X", "，", "2019年", "乡村振兴"]


def scan(seed_reports, phrase):
    """Ground truth: (document title, paragraph) of every block containing ``phrase``."""
    needle = squeeze(phrase)
    return {
        (report.title, block.number)
        for report in seed_reports.values() for block in report.blocks
        if needle in squeeze(block.text)
    }


def found(reader: IndexReader, phrase):
    page = reader.search(f'"{phrase}"', size=10_000)
    assert page.total == len(page.results)
    return {(hit.title, hit.paragraph) for hit in page.results}


@pytest.mark.parametrize("phrase", NAMED)
def test_phrase_named_matches_substring_scan(seeds_reader, seed_reports, phrase):
    expected = scan(seed_reports, phrase)
    assert expected, phrase
    assert found(seeds_reader, phrase) == expected


def test_phrase_random_substrings_match_substring_scan(seeds_reader, seed_reports):
    """400 random substrings of length 1-8, many across jieba's word boundaries."""
    rng = random.Random(20261123)
    blocks = [b.text for r in seed_reports.values() for b in r.blocks]
    checked = 0
    for _ in range(400):
        text = rng.choice(blocks)
        length = rng.randint(1, 8)
        start = rng.randrange(max(1, len(text) - length))
        phrase = text[start:start + length]
        if not squeeze(phrase) or '"' in phrase:
            continue
        assert found(seeds_reader, phrase) == scan(seed_reports, phrase), phrase
        checked += 1
    assert checked > 350


def test_phrase_absent_text_finds_nothing(seeds_reader):
    assert found(seeds_reader, "振兴战略X") == set()
    assert found(seeds_reader, "户通户") == set()


def test_phrase_traditional_and_fullwidth_query(seeds_reader, seed_reports):
    assert found(seeds_reader, "鄉村振興") == scan(seed_reports, "乡村振兴")
    assert found(seeds_reader, "ＣＦＬ") == scan(seed_reports, "CFL")
    assert found(seeds_reader, "cfl") == scan(seed_reports, "CFL")


def test_phrase_across_line_break_and_spaces(seeds_reader, seed_reports):
    # seed 001 wrapped "发展布\n局" and wrote "2019 年": neither blocks a match.
    assert found(seeds_reader, "发展布局") == scan(seed_reports, "发展布局")
    assert found(seeds_reader, "2019年,xx镇") == scan(seed_reports, "2019 年,xx 镇")
    assert found(seeds_reader, "2019年,xx镇")


def test_phrase_highlights_are_the_phrase(seeds_reader):
    page = seeds_reader.search('"振兴战略"', size=100)
    for hit in page.results:
        assert hit.highlights
        for start, end in hit.highlights:
            assert squeeze(hit.text[start:end]) == "振兴战略"
        assert "<mark>振兴战略</mark>" in hit.snippet_html


def test_phrase_with_its_pairs_apart_is_no_match(tmp_path):
    """A phrase's character pairs all in one paragraph, its first and last where the phrase
    would stand, but not in its order: no match (the search skips checking only the pairs
    that their neighbours spell out)."""
    from conftest import make_settings
    from indexer.writer import index_reports

    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "r.txt").write_text("某县工作总结\n加快农村道路建设，完善村公路网。\n", "utf-8")
    settings = make_settings(tmp_path / "ix", [folder])
    index_reports(settings)
    reader = IndexReader(settings)
    try:
        assert found(reader, "农村道路建设") and found(reader, "村公路网")
        assert not found(reader, "农村公路建")  # 农村 and 路建 three apart, 村公 and 公路 elsewhere
    finally:
        reader.close()

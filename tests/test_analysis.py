"""The analysis chain: normalisation, word and character tokens, one chain for index and query."""

import random
import sys

import pytest

from indexer import analysis
from indexer.analysis import (
    CharTokenizer,
    build_word_analyzer,
    explain,
    normalize,
    phrase_terms,
    squeeze,
    word_terms,
)
from indexer.config import load_settings
from indexer.schema import BODY, CHAR, CHARS, build_schema

SETTINGS = load_settings(None)


@pytest.fixture(scope="module")
def words():
    return build_word_analyzer(SETTINGS.user_words(), SETTINGS.stop_words())


def test_normalize_folds_width_case_and_traditional():
    assert normalize("ＣＦＬ Ｓ３１３，４．６５％") == "cfl s313,4.65%"
    assert normalize("鄉村振興與發展") == "乡村振兴与发展"
    assert normalize("\u3000全角空格\u200b") == " 全角空格 "


def test_normalize_keeps_length(seed_reports):
    for report in seed_reports.values():
        assert len(normalize(report.text)) == len(report.text)


def test_normalize_folds_every_code_point_by_the_table_short_or_long():
    # Short texts go through str.translate, long ones through an array: both are the table,
    # for every code point, lone surrogates included (a JSON query may hold one).
    table = analysis._fold_table()
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert normalize(every) == "".join(table.get(ord(ch), ch) for ch in every)
    bmp = every[:0x10000]
    assert "".join(normalize(bmp[i:i + 9]) for i in range(0, len(bmp), 9)) == normalize(bmp)


def test_word_tokenizer_keeps_user_words_whole(words):
    text = "乡村振兴、脱贫攻坚、双招双引、户户通、一肩挑、村集体经济"
    assert word_terms(words, text) == ["乡村振兴", "脱贫攻坚", "双招双引", "户户通", "一肩挑", "村集体经济"]


def test_word_tokenizer_numbers_and_codes_are_one_token(words):
    assert word_terms(words, "同比增长4.65%，S313和京昆高速，2020年，CFL信息安全") == [
        "同比", "增长", "4.65%", "s313", "京昆", "高速", "2020", "年", "cfl", "信息安全",
    ]


def test_word_tokenizer_drops_stop_words_keeps_positions(words):
    tokens = [(t.text, t.pos) for t in words("发展的战略", positions=True, mode="query")]
    assert tokens == [("发展", 0), ("战略", 2)]


def test_word_tokenizer_index_mode_adds_inner_words_at_same_position(words):
    tokens = [(t.text, t.pos) for t in words("乡村振兴战略", positions=True, mode="index")]
    assert tokens == [("乡村振兴", 0), ("乡村", 0), ("振兴", 0), ("战略", 1)]


def test_word_tokenizer_positions_consecutive_and_offsets_exact(words, seed_reports):
    """The bug not to inherit: jieba's ChineseAnalyzer uses character offsets as positions."""
    text = seed_reports["001"].blocks[2].text
    norm = normalize(text)
    main = [(t.text, t.pos, t.startchar, t.endchar)
            for t in words(text, positions=True, chars=True, mode="query", removestops=False)]
    assert len(main) > 20
    assert [pos for _, pos, _, _ in main] == list(range(len(main)))
    for word, _, start, end in main:
        assert norm[start:end] == word


def test_char_tokenizer_skips_whitespace_and_pairs_neighbours():
    tokens = [(t.text, t.pos, t.startchar, t.endchar)
              for t in CharTokenizer()("2019 年", positions=True, chars=True, mode="index")]
    assert tokens == [("20", 0, 0, 2), ("01", 1, 1, 3), ("19", 2, 2, 4), ("9年", 3, 3, 6),
                      ("年", 4, 5, 6)]
    assert phrase_terms("2019年") == phrase_terms("2019 年") == ["20", "01", "19", "9年"]
    assert phrase_terms("镇") == ["镇"]
    assert phrase_terms("  ") == []


def test_same_analysis_for_index_and_query(seed_reports):
    """For any text, what a query produces is what the index holds, at the same positions.

    Word field: every query token is an index token at the same position. Character field: the
    query pairs of any substring are index pairs at consecutive positions. The analyzers come
    from the schema, as the writer and the searcher use them.
    """
    schema = build_schema(SETTINGS.user_words(), SETTINGS.stop_words())
    body, chars = schema[BODY].analyzer, schema[CHARS].analyzer
    rng = random.Random(7)
    blocks = [b.text for r in seed_reports.values() for b in r.blocks]
    for text in rng.sample(blocks, 40):
        index_tokens = {(t.text, t.pos) for t in body(text, positions=True, mode="index")}
        for t in body(text, positions=True, mode="query"):
            assert (t.text, t.pos) in index_tokens
        char_index = {}
        for t in chars(text, positions=True, mode="index"):
            char_index.setdefault(t.text, set()).add(t.pos)
        start = rng.randrange(len(text) - 1)
        piece = text[start:start + rng.randint(2, 8)]
        terms = [t.text for t in chars(piece, mode="query")]
        starts = set(char_index.get(terms[0], ()))
        for k, term in enumerate(terms[1:], 1):
            starts &= {p - k for p in char_index.get(term, ())}
        assert starts, piece
        one = rng.choice([c for c in text if not c.isspace()])
        assert {t.text for t in schema[CHAR].analyzer(one, mode="query")} <= {
            t.text for t in schema[CHAR].analyzer(text, mode="index")}


def test_explain_reports_both_fields():
    out = explain("户户通", SETTINGS.user_words(), SETTINGS.stop_words())
    assert out["normalized"] == "户户通"
    assert [t["text"] for t in out["fields"]["body"]["query"]] == ["户户通"]
    assert [t["text"] for t in out["fields"]["chars"]["query"]] == ["户户", "户通"]
    assert out["fields"]["chars"]["index"][0] == {"text": "户户", "position": 0, "start": 0, "end": 2}
    assert sorted(t["text"] for t in out["fields"]["char"]["query"]) == ["户", "户", "通"]


def test_squeeze_is_what_phrases_compare():
    assert squeeze("乡村 振興\n战略") == "乡村振兴战略"

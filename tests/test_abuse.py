"""Any input, generated (hypothesis): the query parser never breaks, what a parsed query finds
agrees with a plain scan, and /api/search answers 200 or the documented 400 envelope whatever
its parameters. Hand-picked hostile inputs are in test_hostile.py."""

from __future__ import annotations

import re
from urllib.parse import quote, quote_from_bytes

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from test_api import check, error_of

from indexer.analysis import squeeze
from indexer.errors import ReportSearchError
from indexer.query import FILTER_NAMES, OR_WORDS, ParsedQuery, parse_query

TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"/|\bline \d+, in\b")
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# Characters that mean something to the query language, plus some that mean nothing.
QUERY_ALPHABET = list('"“”「」『』-－:：|&() \t\u3000\n') + list("ORANDdocyearsection乡村振兴户通镇2020")
QUERY_WORDS = ["OR", "or", "|", "||", "或", "AND", "&&", "-", "－", "doc:", "year:", "section:",
               "DOC:x", "year：2021", '"', "“", "”", "「", "『", "乡村振兴", "-扶贫", "\x00"]
query_texts = st.one_of(
    st.text(),  # any code point but surrogates, NUL included
    st.text(alphabet=QUERY_ALPHABET, max_size=40),
    st.lists(st.sampled_from(QUERY_WORDS) | st.text(max_size=4), max_size=12).map(" ".join),
    st.lists(st.sampled_from(QUERY_WORDS) | st.text(max_size=4), max_size=12).map("".join),
)


# -- the parser ---------------------------------------------------------------------------------

def parse(text: str) -> ParsedQuery | None:
    """parse_query, allowed to refuse only with the project's own error."""
    try:
        return parse_query(text)
    except ReportSearchError as e:
        assert e.code and e.message
        return None


@FUZZ
@given(query_texts)
@example('-"')
@example("doc: year:")
@example("\x00 - -- “")
def test_parse_query_clauses_come_from_the_input(text):
    parsed = parse(text)
    if parsed is None:
        return
    for group in parsed.groups:
        assert group and all(not c.negated for c in group)
    assert all(c.negated for c in parsed.excluded)
    for clause in parsed.positive + parsed.excluded:
        assert clause.text.strip(), clause
        assert clause.text in text
        if not clause.phrase:
            assert not any(ch.isspace() for ch in clause.text)
            assert not any(ch in clause.text for ch in '"“「『')
    for name, values in parsed.filters.items():
        assert name in FILTER_NAMES
        for value in values:
            assert value and not any(ch.isspace() for ch in value)
            assert f"{name}:{value}" in text.lower() or f"{name}：{value}" in text.lower() or \
                f"{name}:{value.lower()}" in text.lower() or f"{name}：{value.lower()}" in text.lower()


@FUZZ
@given(st.text(alphabet=st.characters(exclude_characters='"“”「」『』'), max_size=60))
def test_parse_query_whitespace_between_words_does_not_matter(text):
    """Without quotes, only whitespace separates clauses: how much of it is irrelevant."""
    assert parse(text) == parse(" " + re.sub(r"\s+", " \t\u3000 ", text) + "\n")


plain_words = st.text(alphabet="乡村振兴户通镇疫情新冠abc123。，", min_size=1, max_size=6)


@FUZZ
@given(st.lists(plain_words, min_size=1, max_size=6))
def test_parse_query_plain_words_are_anded(words):
    parsed = parse(" ".join(words))
    assert [[c.text for c in g] for g in parsed.groups] == [[w] for w in words]
    assert not parsed.excluded and not parsed.filters


@FUZZ
@given(st.lists(plain_words, min_size=2, max_size=6), st.sampled_from(sorted(OR_WORDS)))
def test_parse_query_or_joins_one_group(words, or_word):
    parsed = parse(f" {or_word} ".join(words))
    assert [[c.text for c in g] for g in parsed.groups] == [words]


@FUZZ
@given(plain_words, st.text(alphabet=st.characters(exclude_characters='"'), max_size=20),
       st.booleans())
def test_parse_query_quoted_phrase_and_exclusion(word, phrase, closed):
    query = f'{word} -"{phrase}' + ('"' if closed else "")  # an unclosed quote runs to the end
    parsed = parse(query)
    assert [[(c.text, c.phrase) for c in g] for g in parsed.groups] == [[(word, False)]]
    expected = [(phrase, True, True)] if phrase.strip() else []
    assert [(c.text, c.phrase, c.negated) for c in parsed.excluded] == expected


# -- what the parsed query finds, against a plain scan of the seeds -----------------------------

class Paragraphs(list):
    """(title, paragraph number, text) of every seed paragraph; a short repr for Hypothesis."""

    def __repr__(self):
        return f"<{len(self)} seed paragraphs>"


@pytest.fixture(scope="module")
def paragraphs(seed_reports):
    return Paragraphs((r.title, b.number, b.text) for r in seed_reports.values() for b in r.blocks)


def scan(paragraphs, phrase):
    needle = squeeze(phrase)
    return {(title, number) for title, number, text in paragraphs if needle in squeeze(text)}


def pick(paragraphs, block: int, start: int, length: int) -> str:
    """A piece of some seed paragraph (without ASCII quotes), chosen by three numbers."""
    text = paragraphs[block % len(paragraphs)][2]
    start %= max(1, len(text) - 1)
    return text[start:start + length].replace('"', "")


pieces = st.tuples(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(1, 6))


@settings(max_examples=60, deadline=None)
@given(pieces, pieces)
@example((2, 0, 1), (0, 4, 1))  # "（" -"，": the first paragraph with both was not excluded
def test_query_or_and_exclusion_match_a_scan(seeds_reader, paragraphs, first, second):
    a, b = pick(paragraphs, *first), pick(paragraphs, *second)
    assume(squeeze(a) and squeeze(b))

    def found(query):
        page = seeds_reader.search(query, size=10_000)
        assert not page.relaxed
        return {(hit.title, hit.paragraph) for hit in page.results}

    both = scan(paragraphs, a) & scan(paragraphs, b)
    either = scan(paragraphs, a) | scan(paragraphs, b)
    assert found(f'"{a}" OR "{b}"') == either
    # quoted phrases stay strict: no falling back to either
    assert found(f'"{a}" "{b}"') == both
    assert found(f'"{a}" -"{b}"') == scan(paragraphs, a) - scan(paragraphs, b)


# -- /api/search with anything in its parameters ------------------------------------------------

# Each strategy gives (raw value, valid?) where valid is True, False or None (either answer).
def _ints(low, high):
    return st.one_of(
        st.integers(low, high).map(lambda n: (str(n), True)),
        st.integers(low, high).map(lambda n: (f" 00{n} ", True)),
        st.integers(high + 1, 10**40).map(lambda n: (str(n), False)),
        st.integers(max_value=low - 1).map(lambda n: (str(n), False)),
        st.floats().map(lambda x: (str(x), False)),  # "1.0", "nan", "1e+100": never whole
        st.sampled_from([("9" * 5000, False), ("²", False), ("1_0", False), ("0x10", False),
                         ("", True)]),
        st.text(max_size=8).map(lambda s: (s, None)),
        st.binary(max_size=8).map(lambda b: (b, None)),
    )


QUERY_VALUES = st.one_of(
    query_texts.filter(lambda s: len(s) <= 1000).map(lambda s: (s, True)),
    st.integers(1, 3000).map(lambda n: ("字" * n, n <= 1000)),
    st.binary(max_size=30).map(lambda b: (b, None)),
)
ANY_VALUE = st.one_of(query_texts, st.binary(max_size=20), st.integers().map(str))
FORMATS = st.one_of(st.sampled_from([("json", True), ("csv", True), ("", True), ("xml", False),
                                     ("JSON", False)]),
                    st.text(max_size=5).map(lambda s: (s, s in ("", "json", "csv"))))


def year_ok(value: str) -> bool:
    return not value.strip() or bool(re.fullmatch(r"[0-9]{4}", value.strip()))


def _encode(value: str | bytes) -> str:
    return quote_from_bytes(value, safe="") if isinstance(value, bytes) else quote(value, safe="")


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    q=st.none() | QUERY_VALUES, page=st.none() | _ints(1, 1000), size=st.none() | _ints(1, 100),
    fmt=st.none() | FORMATS,
    filters=st.lists(st.tuples(st.sampled_from(["doc", "year", "section"]),
                               ANY_VALUE | st.sampled_from(["2020", "2021", " 2021 ", ""])),
                     max_size=4),
    unknown=st.lists(st.tuples(st.text(min_size=1, max_size=8), ANY_VALUE), max_size=3),
)
@example(q=("", True), page=None, size=None, fmt=None, filters=[], unknown=[])
@example(q=('"', True), page=None, size=None, fmt=None, filters=[], unknown=[])
@example(q=("镇", True), page=("²", False), size=None, fmt=None, filters=[], unknown=[])
@example(q=("镇", True), page=("9" * 5000, False), size=None, fmt=None, filters=[], unknown=[])
def test_api_search_any_parameters_200_or_400(seeds_client, spec, q, page, size, fmt, filters,
                                               unknown):
    params = [(k, v) for k, v in unknown if k not in ("q", "page", "size", "format", *FILTER_NAMES)]
    verdicts = {}
    for name, given_ in (("q", q), ("page", page), ("size", size), ("format", fmt)):
        if given_ is not None:
            params.append((name, given_[0]))
            verdicts[name] = given_[1]
    params += filters
    for name, value in filters:
        if name == "year":  # four digits, or blank for no filter
            verdicts.setdefault("year", True)
            verdicts["year"] = (None if isinstance(value, bytes) or verdicts["year"] is None
                                else verdicts["year"] and year_ok(value))
    csv = fmt is not None and fmt[0] == "csv"
    if csv:  # a CSV export has every match: page and size do not apply
        verdicts.pop("page", None)
        verdicts.pop("size", None)
    url = "/api/search?" + "&".join(f"{_encode(k)}={_encode(v)}" for k, v in params)

    response = seeds_client.get(url)

    body = response.get_data(as_text=True)
    assert not TRACEBACK.search(body)
    if False in verdicts.values():
        assert response.status_code == 400, (url, body[:300])
    elif all(v is True for v in verdicts.values()):
        assert response.status_code == 200, (url, body[:300])
    assert response.status_code in (200, 400), (url, body[:300])
    if response.status_code == 400:
        assert error_of(spec, response)["code"] in ("invalid_parameter", "invalid_query")
    elif csv:
        assert response.mimetype == "text/csv" and body.startswith("\ufeffrank,doc_id,")
    else:
        data = check(spec, response, "/api/search")
        before = (data["page"] - 1) * data["size"]  # results on the earlier pages
        assert len(data["results"]) <= data["size"]
        shown = data["total"] + data["partial_total"]  # complete matches, then partial ones
        if data["results"]:
            assert shown >= before + len(data["results"])
        else:
            assert shown <= before
        for hit in data["results"]:
            assert all(0 <= s < e <= len(hit["text"]) for s, e in hit["highlights"])


# -- the search page with anything in its parameters --------------------------------------------

# The page's own parameters and url_for's (endpoint, _anchor, ...), which once reached url_for.
PAGE_NAMES = ["q", "page", "size", "facet_size", "doc", "year", "section", "format", "endpoint",
              "_anchor", "_method", "_scheme", "_external", "values", "filename"]


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.sampled_from(PAGE_NAMES) | st.text(min_size=1, max_size=8),
                          st.one_of(ANY_VALUE, st.sampled_from(["1", "2021", "csv", "json", "x"]))),
                max_size=6))
@example([("q", "镇"), ("format", "json")])
@example([("q", "镇"), ("format", "csv")])
@example([("q", "镇"), ("endpoint", "x")])
@example([("q", "镇"), ("_anchor", "x")])
@example([("q", "镇"), ("_method", "POST")])
@example([("q", "镇"), ("_scheme", "ftp"), ("_external", "1")])
@example([("q", "镇"), ("year", "abcd")])
@example([("q", "字" * 1001)])
def test_page_any_parameters_200_or_400(seeds_client, params):
    """The search page answers every query string with a page (200) or a Chinese error page
    (400), never a 500; its links stay on this site."""
    url = "/?" + "&".join(f"{_encode(k)}={_encode(v)}" for k, v in params)

    response = seeds_client.get(url)

    body = response.get_data(as_text=True)
    assert response.status_code in (200, 400), (url, body[-500:])
    assert response.mimetype == "text/html"
    assert not TRACEBACK.search(body)
    if response.status_code == 400:
        assert '<p class="error" role="alert">' in body
    hrefs = re.findall(r'href="([^"]*)"', body)
    assert all(h.startswith("/") and not h.startswith("//") for h in hrefs), (url, hrefs)

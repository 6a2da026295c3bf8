"""indexer.bulk against Whoosh's own writer: a segment written in bulk holds the same terms,
postings, field lengths and stored fields as one written a posting at a time."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import SegmentWriter

from conftest import SEEDS
from indexer import schema as f
from indexer.bulk import BulkWriter
from indexer.codec import ArrayCodec
from indexer.config import load_settings
from indexer.reports import parse_report
from indexer.sources import decode
from indexer.writer import cleaner_for

SETTINGS = load_settings(None)
SCHEMA = f.build_schema(SETTINGS["analysis.user_words"], SETTINGS["analysis.stop_words"])


class _Records:
    """Stands in for a writer to collect the records ``add_report`` makes."""

    def __init__(self):
        self.docs = []

    def add_document(self, **fields):
        self.docs.append(fields)


def _seed_records() -> list[dict]:
    records, cleaner = _Records(), cleaner_for(SETTINGS)
    real = sorted((Path(__file__).parent / "corpus" / "prov2026").glob("*.txt"))[:6]
    paths = sorted(p for p in SEEDS.rglob("*") if p.suffix in (".txt", ".md")) + real
    for number, path in enumerate(paths):
        report = parse_report(decode(path.read_bytes(), str(path)), path.name, cleaner)
        f.add_report(records, f"d{number}", str(path), "hash", 1, report)
    return records.docs


def _paragraphs(texts) -> list[dict]:
    return [{f.KIND: f.KIND_PARA, f.KEY: f"k{i}", f.DOC_ID: "d", f.TITLE_WORDS: "标题",
             f.PARAGRAPH: i, f.TEXT: text, f.BODY: text, f.CHARS: text, f.CHAR: text}
            for i, text in enumerate(texts)]


def _write(folder, writer_class, docs, **kwargs):
    folder.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(folder), SCHEMA)
    writer = writer_class(ix, **kwargs)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit(merge=False)
    return ix


def _contents(ix) -> dict:
    """Every term's postings (ids, weights, values), every field's lengths, stored fields."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        postings = {}
        for (fieldname, btext) in reader.all_terms():
            m = reader.postings(fieldname, btext)
            rows = []
            while m.is_active():
                rows.append((m.id(), m.weight(), m.value()))
                m.next()
            postings[(fieldname, btext)] = rows
        lengths = {name: [reader.doc_field_length(n, name) for n in range(reader.doc_count_all())]
                   for name in reader.indexed_field_names()}
        stored = list(reader.all_stored_fields())
    return {"postings": postings, "lengths": lengths, "stored": stored}


def _assert_same(tmp_path, docs):
    bulk = _contents(_write(tmp_path / "bulk", BulkWriter, docs))
    plain = _contents(_write(tmp_path / "plain", SegmentWriter, docs, codec=ArrayCodec()))
    w3 = _contents(_write(tmp_path / "w3", SegmentWriter, docs, codec=W3Codec()))
    assert bulk["stored"] == plain["stored"] == w3["stored"]
    assert bulk["lengths"] == plain["lengths"] == w3["lengths"]
    assert bulk["postings"].keys() == plain["postings"].keys() == w3["postings"].keys()
    for term, rows in plain["postings"].items():
        assert bulk["postings"][term] == rows, term
        assert w3["postings"][term] == rows, term


def test_the_seeds_and_a_real_corpus_are_written_alike(tmp_path):
    docs = _seed_records()
    assert len(docs) > 400
    _assert_same(tmp_path, docs)


def test_awkward_texts_are_written_alike(tmp_path):
    long_text = ("乡村振兴" * 9000) + " 尾" + "\t末"  # positions past 65,535 need 4 bytes
    texts = ["", "镇", " 镇 ", "户户 通\t通\n户", "\u3000全角\u3000空格", "𠀀𠀁 rare 𠀀𠀁",
             "ＡＢＣ abc 4.65%", "😀😀x", "a", "  ", long_text, "重复重复重复重复"]
    _assert_same(tmp_path, _paragraphs(texts))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("乡村振兴镇 \t\n\u3000ab1.%𠀀")),
                        max_size=40), min_size=1, max_size=12))
def test_random_texts_are_written_alike(tmp_path_factory, texts):
    _assert_same(tmp_path_factory.mktemp("random"), _paragraphs(texts))


def test_documents_beyond_the_fast_path_still_go_through_whoosh(tmp_path):
    docs = _paragraphs(["乡村振兴", "户户通"])
    docs[1]["_boost"] = 2.0  # a document boost: Whoosh's own add_document
    bulk = _contents(_write(tmp_path / "bulk", BulkWriter, docs))
    plain = _contents(_write(tmp_path / "plain", SegmentWriter, docs, codec=ArrayCodec()))
    assert bulk == plain
    assert max(w for rows in bulk["postings"].values() for _, w, _ in rows) >= 2.0


@pytest.mark.parametrize("count", [1, 5, 24, 300])
def test_weights_and_values_survive_every_encoding(count):
    from indexer.postings import SMALL, Postings, encode_postings, encode_small

    rng = np.random.default_rng(count)
    ids = np.cumsum(rng.integers(1, 70_000, count))
    freqs = rng.integers(1, 4, count)
    for weights in (np.ones(count), np.full(count, 2.5), rng.integers(0, 300, count) * 1.0,
                    freqs * 1.0, rng.random(count).astype(np.float32).astype(np.float64)):
        for values in ([b""] * count, [b"ab"] * count,
                       [int(x).to_bytes(4, "big") for x in rng.integers(0, 1 << 20, count)],
                       [int(x).to_bytes(4, "big") for x in freqs],
                       [bytes(rng.integers(0, 256, int(n), np.uint8))
                        for n in rng.integers(0, 300, count)],
                       positional := [f.CompactPositions().encode(
                           sorted(rng.integers(0, top, int(n))))
                           for n, top in zip(freqs, rng.choice([200, 5000, 65000], count),
                                             strict=True)]):
            lengths = np.array([len(v) for v in values], np.int64)
            for positions in (False, True):
                record = encode_postings(ids, weights, lengths, b"".join(values), positions)
                if count <= SMALL:  # the plain-Python encoder writes the same record
                    small = encode_small(ids.tolist(), weights.tolist(), lengths.tolist(),
                                          b"".join(values), positions)
                    assert small == record
                decoded = Postings(record, count, int(ids[0]))
                assert decoded.ids.tolist() == ids.tolist()
                assert decoded.weights.tolist() == weights.tolist()
                expected = values if any(values) else [None] * count
                assert decoded.values() == expected
                if positions and values is positional:
                    selected = np.arange(count)[::2]
                    owner, where = decoded.positions(selected, f.CompactPositions())
                    want = [p for i in selected for p in f.CompactPositions().decode_positions(
                        values[i])]
                    assert where.tolist() == want
                    assert owner.tolist() == [n for n, i in enumerate(selected)
                                              for _ in range(len(values[i]) // 2)]


@given(st.lists(st.integers(0, (1 << 57) - 1), max_size=40), st.integers(0, 57))
def test_numbers_are_packed_and_unpacked_at_any_width(numbers, shift):
    from indexer.postings import pack, pack_list, unpack

    numbers = [n >> shift for n in numbers]
    bits, packed = pack(np.array(numbers, np.int64))
    assert (bits, packed) == pack_list(numbers)
    assert unpack(b"x" + packed, 1, len(numbers), bits).tolist() == numbers
    index = np.arange(len(numbers))[::-3]
    assert unpack(packed, 0, len(numbers), bits, index).tolist() == [numbers[i] for i in index]


def test_a_code_column_keeps_any_number_of_distinct_values():
    from whoosh.filedb.filestore import RamStorage

    from indexer.codec import CodeColumn

    values = {n: str(n % 70_001).encode() for n in range(0, 140_000, 2)}  # gaps read as b""
    storage = RamStorage()
    with storage.create_file("c") as out:
        writer = CodeColumn().writer(out)
        for docnum, value in values.items():
            writer.add(docnum, value)
        writer.finish(140_001)
        length = out.tell()
    reader = CodeColumn().reader(storage.open_file("c"), 0, length, 140_001)
    expected = [values.get(n, b"") for n in range(140_001)]
    assert list(reader) == expected
    assert [reader[n] for n in (0, 1, 139_998, 140_000)] == [b"0", b"", b"69997", b""]
    assert [reader.values()[c] for c in reader.codes()[:5]] == expected[:5]
    assert len(reader.values()) == len(set(expected)) > 65_535


@given(st.lists(st.integers(1, 5000), min_size=1, max_size=300), st.integers(0, 1 << 20))
def test_ids_survive_either_encoding(gaps, first):
    from indexer.postings import _decode_ids, _encode_ids

    ids = np.cumsum([first] + gaps)
    code, record = _encode_ids(ids)
    decoded, end = _decode_ids(b"x" + record + b"y", 1, len(ids), first, code)
    assert decoded.tolist() == ids.tolist()
    assert end == 1 + len(record)


def test_long_lists_with_a_few_long_gaps_take_elias_fano():
    from indexer.postings import ELIAS_FANO, Postings, encode_postings

    ids = np.cumsum([7] + [1, 2, 3] * 100 + [60_000] + [2] * 50)
    record = encode_postings(ids, np.ones(len(ids)), np.zeros(len(ids), np.int64), b"")
    assert record[0] & ELIAS_FANO
    assert len(record) < 2 * (len(ids) - 1)  # packed gaps would take 16 bits each
    assert Postings(record, len(ids), 7).ids.tolist() == ids.tolist()

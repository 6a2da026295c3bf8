"""The chunked posting pool writes the same index as Whoosh's own pool, spills included."""

from __future__ import annotations

import shutil

from whoosh import index as whoosh_index

from conftest import SEEDS
from indexer.config import load_settings
from indexer.pool import ChunkedPostingPool, use_chunked_pool
from indexer.reports import parse_report
from indexer.schema import add_report, build_schema
from indexer.writer import cleaner_for


def build(folder, chunked: bool):
    settings = load_settings(None)
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema(settings.user_words(),
                                                          settings.stop_words()))
    writer = ix.writer(limitmb=1)  # ~1 MB: the seeds' postings spill into several runs
    if chunked:
        use_chunked_pool(writer)
        assert isinstance(writer.pool, ChunkedPostingPool)
    runs = []
    save = writer.pool.save

    def counting_save():
        save()
        runs.append(len(writer.pool.runs))

    writer.pool.save = counting_save
    cleaner = cleaner_for(settings)
    for path in sorted(SEEDS.glob("*.txt")):
        report = parse_report(path.read_text("utf-8"), path.name, cleaner)
        add_report(writer, path.stem, path.name, "h", 1, report)
    writer.commit()
    return ix, max(runs, default=0)


def postings(ix) -> list:
    with ix.reader() as reader:
        out = []
        for field, term in reader.all_terms():
            m = reader.postings(field, term)
            out.append((field, term, list(m.all_items())))
        return out


def test_chunked_pool_writes_what_whoosh_writes(tmp_path):
    plain, plain_runs = build(tmp_path / "plain", chunked=False)
    chunked, chunked_runs = build(tmp_path / "chunked", chunked=True)
    assert plain_runs >= 3 and chunked_runs == plain_runs  # the spill path really ran
    assert postings(chunked) == postings(plain)
    shutil.rmtree(tmp_path)

"""The only code that writes the index: rebuilds and incremental updates, one writer at a time."""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout
from whoosh import index as whoosh_index

from . import schema as f
from . import store
from .analysis import fingerprint
from .bulk import open_writer
from .config import Settings
from .errors import (
    ConfigError,
    IndexBusyError,
    IndexNotFoundError,
    MissingConverterError,
    SourceNotFoundError,
    UnreadableFileError,
)
from .matching import term_ids
from .parallel import ParallelBuild
from .readers import Readers
from .records import column_codes
from .reports import Block, Cleaner, Report
from .sources import content_hash, doc_id_for, read_bytes, scan
from .summary import IndexSummary

Progress = Callable[[Iterable[Path], int], Iterable[Path]]



def index_fingerprint(settings: Settings) -> str:
    """Changes when the settings that shape the records change (analysis and cleaning)."""
    h = hashlib.sha1(fingerprint(settings.user_words(), settings.stop_words()).encode())
    for pattern in settings.boilerplate_patterns():
        h.update(pattern.encode() + b"\n")
    h.update(str(settings["cleaning.boilerplate_max_line"]).encode())
    return f"s{f.SCHEMA_VERSION}-{h.hexdigest()[:16]}"


def cleaner_for(settings: Settings) -> Cleaner:
    return Cleaner(settings.boilerplate_patterns(), settings["cleaning.boilerplate_max_line"])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _rebuild_reason(root: Path, wanted: str) -> str:
    gen_dir = store.current_dir(root)
    if gen_dir is None:
        return "no index yet"
    meta = store.read_meta(gen_dir)
    if meta.get("schema_version") != f.SCHEMA_VERSION:
        return f"index schema {meta.get('schema_version')} is not {f.SCHEMA_VERSION}"
    if meta.get("fingerprint") != wanted:
        return "analysis or cleaning settings changed"
    return ""


MANIFEST = (f.DOC_ID, f.PATH, f.CONTENT_HASH)  # what the indexer needs of each report


def _indexed_documents(ix) -> dict[str, dict]:
    """Each indexed report's id, path and content hash, read from their columns: unpickling
    every report's stored record took a third of adding one report to a 100k index."""
    docs = {}
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            numbers = [n for n in term_ids(leaf, f.KIND, f.KIND_DOC).tolist()
                       if not leaf.is_deleted(n)]
            if not all(leaf.has_column(name) for name in MANIFEST):  # not this schema's
                records = (leaf.stored_fields(n) for n in numbers)
                docs.update((d[f.DOC_ID], {k: d[k] for k in MANIFEST}) for d in records)
                continue
            columns = []
            for name in MANIFEST:
                values, codes = column_codes(leaf, name)
                columns.append([values[c] for c in codes[numbers].tolist()])
            docs.update((row[0], dict(zip(MANIFEST, row, strict=True)))
                        for row in zip(*columns, strict=True))
    return docs


def _under(path: str, roots: Iterable[str | Path]) -> bool:
    """Is ``path`` one of ``roots`` or inside one? Absolute, normalised paths: a string test
    (pathlib's took a tenth of adding one report to a 100k index: one test per report)."""
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in map(str, roots))


def _absolute(path: str | os.PathLike) -> str:
    return os.path.abspath(path)


@contextlib.contextmanager
def _write_lock(settings: Settings):
    root = Path(settings["index.path"])
    root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(root / store.LOCK))
    try:
        lock.acquire(timeout=settings["index.lock_timeout"])
    except Timeout:
        raise IndexBusyError(
            f"another indexer is writing {root} (waited {settings['index.lock_timeout']} s) — "
            "try again when it has finished"
        ) from None
    try:
        yield root
    finally:
        lock.release()


def _check_sources(settings: Settings, paths) -> None:
    """Before an index exists: refuse to create one when there is nothing to read."""
    if store.current_dir(settings["index.path"]) is not None:
        return
    wanted = list(paths) if paths else settings["index.folders"]
    if any(os.path.lexists(p) for p in wanted):
        return
    if paths:
        raise SourceNotFoundError(f"no such file or folder: {', '.join(map(str, wanted))}")
    shown = ", ".join(f"{p} ({_absolute(p)})" if not os.path.isabs(p) else p for p in wanted)
    raise SourceNotFoundError(
        f"nothing to index: the folders of index.folders do not exist here: {shown} — run it "
        "in the folder that holds them, name the files or folders to index, or set "
        "index.folders in a config file (--config)"
    )


def index_reports(
    settings: Settings,
    paths: Sequence[str | os.PathLike] | None = None,
    *,
    rebuild: bool = False,
    prune: bool | None = None,
    progress: Progress | None = None,
) -> IndexSummary:
    """Bring the index up to date with its report files.

    With ``paths``, read those files and folders and remember them as sources of the index;
    without, read every source: the configured folders and every path given before. A rebuild
    reads every source (the first build, with ``paths``, reads just those) and keeps what it
    cannot re-read (a source gone, a file failed) unless pruned: it never loses what an
    incremental run would keep. ``prune`` (default: on when no paths are given) removes
    documents whose files are gone from folders that still exist; a source gone altogether is
    reported, and its documents are removed only when ``prune`` is True. Unchanged files (same
    content hash) are not re-read; a file that cannot be read is reported in ``failed`` and the
    run goes on.
    """
    started = time.perf_counter()
    _check_sources(settings, paths)
    with _write_lock(settings) as root:
        summary = _index_locked(settings, root, paths, rebuild, prune, progress)
    summary.seconds = time.perf_counter() - started
    return summary


def forget_sources(settings: Settings, paths: Sequence[str | os.PathLike]) -> IndexSummary:
    """Stop reading ``paths`` (sources, or files and folders inside one) and remove their
    documents from the index."""
    started = time.perf_counter()
    targets = [_absolute(p) for p in paths]
    configured = [_absolute(p) for p in settings["index.folders"]]
    if clash := [t for t in targets if _under(t, configured) or
                 any(Path(c).is_relative_to(t) for c in configured)]:
        raise ConfigError(f"{', '.join(clash)}: inside index.folders, which every run reads — "
                          "change index.folders in the config file instead")
    with _write_lock(settings) as root:
        gen_dir = store.current_dir(root)
        if gen_dir is None:
            raise IndexNotFoundError(f"no index at {root} — nothing to forget")
        meta = store.read_meta(gen_dir)
        known = meta.get("sources", [])
        for target in targets:
            if outer := [s for s in [*configured, *known] if _inside(target, s)]:
                raise SourceNotFoundError(
                    f"{target} lies inside the source {outer[0]}, which every run reads again "
                    f"— forget {outer[0]}, or move the file out of it")
        ix = whoosh_index.open_dir(str(gen_dir))
        docs = _indexed_documents(ix)
        doomed = [d for d, doc in docs.items() if _under(doc[f.PATH], targets)]
        forgotten = [s for s in known if _under(s, targets)]
        if not doomed and not forgotten:
            raise SourceNotFoundError(f"not a source of the index, and no document lies under "
                                      f"it: {', '.join(targets)} — see `report-search status`")
        writer = open_writer(ix)
        for doc_id in doomed:
            writer.delete_by_term(f.DOC_ID, doc_id)
        writer.commit()
        meta.update(sources=[s for s in known if s not in forgotten], updated_at=_now())
        store.write_meta(gen_dir, meta)
    return IndexSummary(removed=len(doomed), forgotten=forgotten, sources=meta["sources"],
                        documents=len(docs) - len(doomed), generation=store.generation(root),
                        seconds=time.perf_counter() - started)


def _inside(path: str, source: str) -> bool:
    return path != source and Path(path).is_relative_to(source)


def _previous(old_dir: Path | None, rebuild: bool, summary: IndexSummary):
    """The current index and its documents, which a rebuild carries over where it must. A
    rebuild goes on without them if the old index cannot be read, and says so."""
    if old_dir is None:
        return None, {}
    try:
        old_ix = whoosh_index.open_dir(str(old_dir))
        return old_ix, _indexed_documents(old_ix)
    except Exception as e:  # Whoosh raises many kinds on a damaged or foreign index
        if not rebuild:
            raise
        summary.failed.append((str(old_dir), f"{old_dir}: previous index unreadable ({e}); "
                                             "rebuilt from the sources alone"))
        return None, {}


def _index_locked(settings, root, paths, rebuild, prune, progress) -> IndexSummary:
    store.remove_stale(root)
    wanted = index_fingerprint(settings)
    summary = IndexSummary()
    reason = "asked for" if rebuild else _rebuild_reason(root, wanted)
    summary.rebuilt, summary.rebuild_reason = bool(reason), reason

    old_dir = store.current_dir(root)
    old_meta = store.read_meta(old_dir) if old_dir else {}
    old_ix, existing = _previous(old_dir, summary.rebuilt, summary)
    # The configured folders are read on every run and stay in the config; the index
    # remembers the other sources: every path given, now or before.
    configured = [_absolute(p) for p in settings["index.folders"]]
    remembered = old_meta.get("sources", [])
    given = [_absolute(p) for p in paths or ()]
    everything = not paths or (summary.rebuilt and old_dir is not None)
    sources = list(dict.fromkeys([*configured, *remembered, *given])) if everything else given
    adopted = []
    if everything:
        # Documents whose file lies under no known source (an index made before sources were
        # remembered): their files become sources, so they are re-read and kept.
        adopted = list(dict.fromkeys(
            d[f.PATH] for d in existing.values() if not _under(d[f.PATH], sources)))
        sources += adopted
    if prune is None:
        prune_files, prune_sources = not paths, False
    else:
        prune_files = prune_sources = prune

    if summary.rebuilt:
        gen_dir = store.new_generation_dir(root)
        schema = f.build_schema(settings.user_words(), settings.stop_words())
        ix = whoosh_index.create_in(str(gen_dir), schema)
    else:
        gen_dir, ix = old_dir, old_ix

    found = scan(sources, settings["index.extensions"])
    summary.skipped = found.skipped
    summary.failed = list(found.failed)
    for path in found.missing:
        if path in given:
            summary.failed.append((path, f"{path}: no such file or folder"))
        elif prune_sources:
            summary.forgotten.append(path)
        else:
            summary.missing.append(path)
    files = list(dict.fromkeys(found.files))  # sources may overlap
    max_bytes = settings["index.max_file_mb"] * 1_000_000
    cleaner = cleaner_for(settings)
    seen: set[str] = set()  # every file found
    written: set[str] = set()  # the files (re)indexed or unchanged

    if summary.rebuilt and _parallel(settings, files):
        sink: _Sink | ParallelBuild = ParallelBuild(gen_dir, _processes(settings))
    else:
        whoosh_writer = open_writer(ix)
        sink = _Sink(whoosh_writer)
    readers = Readers(settings, cleaner)
    try:
        for path in progress(files, len(files)) if progress else files:
            doc_id = doc_id_for(path)
            seen.add(doc_id)
            try:
                data = read_bytes(path, max_bytes)
                old = existing.get(doc_id)
                digest = content_hash(data)
                same = old is not None and old[f.CONTENT_HASH] == digest
                if same and not summary.rebuilt:
                    summary.unchanged += 1
                    written.add(doc_id)
                    continue
                report = readers.read(path, data)
            except MissingConverterError as e:
                summary.skipped.append((str(path), e.message))
                continue
            except UnreadableFileError as e:
                summary.failed.append((str(path), e.message))
                continue
            if old is None:
                summary.added += 1
            elif same:
                summary.unchanged += 1
            else:
                summary.updated += 1
                if not summary.rebuilt:
                    sink.writer.delete_by_term(f.DOC_ID, doc_id)
            sink.add(doc_id, str(path.absolute()), digest, len(data), report)
            written.add(doc_id)
            summary.paragraphs += len(report.blocks)
            summary.bytes += len(data)

        unreadable = [p for p, _ in found.failed]
        read_ok = [s for s in sources if s not in found.missing]
        for doc_id, doc in existing.items():
            if doc_id in written:
                continue
            path = doc[f.PATH]
            if doc_id in seen:
                drop = False  # its file failed this time: the old records stand
            elif _under(path, summary.forgotten):
                drop = True
            elif _under(path, summary.missing) or _under(path, unreadable):
                drop = False  # a source or folder we could not look into: nothing is known
            elif _under(path, read_ok):
                drop = prune_files  # not found where it was: deleted, renamed, now skipped
            else:
                drop = False  # outside this run's sources (a run over some paths only)
            if drop:
                summary.removed += 1
                if not summary.rebuilt:
                    sink.writer.delete_by_term(f.DOC_ID, doc_id)
            elif summary.rebuilt:
                summary.paragraphs += _carry_over(sink, old_ix, doc_id)
                summary.kept += 1
        if summary.changed:
            sink.commit()
        else:
            sink.cancel()
    except BaseException:
        sink.cancel()
        raise
    finally:
        readers.close()

    failed = {p for p, _ in summary.failed}
    # A path named now that failed is not remembered; a remembered one that failed (an
    # unmounted disk) is, until it is pruned or forgotten.
    keep = [s for s in dict.fromkeys([*remembered, *adopted, *given])
            if s not in configured and s not in summary.forgotten
            and not (s in given and s in failed)]
    summary.sources = list(dict.fromkeys([*configured, *keep]))
    summary.documents = (len(existing) + summary.added - summary.removed if not summary.rebuilt
                         else summary.added + summary.updated + summary.unchanged + summary.kept)
    meta = dict(old_meta) if not summary.rebuilt else {"created_at": _now()}
    meta.update(schema_version=f.SCHEMA_VERSION, fingerprint=wanted, sources=keep)
    if summary.changed:
        meta["updated_at"] = _now()
    store.write_meta(gen_dir, meta)
    if summary.rebuilt:
        store.publish(root, gen_dir)
        store.remove_stale(root)
    summary.generation = store.generation(root)
    return summary


def _carry_over(sink, old_ix, doc_id: str) -> int:
    """Copy a document into a rebuild from its stored fields (its file could not be re-read):
    analysed anew, its text as it was indexed."""
    with old_ix.searcher() as searcher:
        doc = searcher.document(**{f.DOC_ID: doc_id, f.KIND: f.KIND_DOC})
        records = list(searcher.documents(**{f.DOC_ID: doc_id, f.KIND: f.KIND_PARA}))
    blocks = [
        Block(r[f.PARAGRAPH], r[f.TEXT], r[f.START], r[f.END], tuple(r[f.SECTION_PATH]),
              r.get(f.SECTION_NO, ""), r.get(f.LEVEL), r.get(f.PAGE))
        for r in sorted(records, key=lambda r: r[f.PARAGRAPH])
    ]
    years = [int(y) for y in doc[f.YEARS].split(",") if y]
    report = Report(doc[f.TITLE], doc.get(f.TITLE_SOURCE, "text"), years, blocks,
                    doc.get(f.FORMAT, "txt"))
    # No content hash: the next run that can read the file re-reads it (cleaning may differ).
    sink.add(doc[f.DOC_ID], doc[f.PATH], "", doc[f.SIZE], report)
    return len(blocks)


class _Sink:
    """One Whoosh writer in this process (the other sink is ``ParallelBuild``)."""

    def __init__(self, writer):
        self.writer = writer

    def add(self, *job) -> None:
        f.add_report(self.writer, *job)

    def commit(self) -> None:
        self.writer.commit()

    def cancel(self) -> None:
        self.writer.cancel()


def _processes(settings: Settings) -> int:
    return settings["index.processes"] or os.cpu_count() or 1


def _parallel(settings: Settings, files: list[Path]) -> bool:
    """Worth starting worker processes: more than one core and enough text to amortise them."""
    if _processes(settings) < 2:
        return False
    total = 0
    for path in files:
        try:
            total += path.stat().st_size
        except OSError:
            pass  # reported when it is read
    # Below this, starting workers costs more than it saves.
    return total >= settings["index.parallel_min_mb"] * 1_000_000

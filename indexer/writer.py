"""The only code that writes the index: rebuilds and incremental updates, one writer at a time."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout
from whoosh import index as whoosh_index

from . import schema as f
from . import store
from .analysis import fingerprint
from .config import Settings
from .errors import IndexBusyError, UnreadableFileError
from .parallel import WRITER_MB, ParallelBuild
from .reports import Cleaner, Report, parse_report
from .sources import content_hash, decode, doc_id_for, find_files, read_bytes

Progress = Callable[[Iterable[Path], int], Iterable[Path]]



@dataclass
class IndexSummary:
    added: int = 0
    updated: int = 0
    removed: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    paragraphs: int = 0  # paragraph records written in this run
    bytes: int = 0  # size of the files (re)indexed in this run
    seconds: float = 0.0
    rebuilt: bool = False
    rebuild_reason: str = ""
    generation: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.rebuilt)

    def line(self) -> str:
        rate = self.bytes / 1e6 / self.seconds if self.seconds else 0.0
        return (
            f"{'rebuilt' if self.rebuilt else 'updated'}: {self.added} added, "
            f"{self.updated} updated, {self.removed} removed, {self.skipped} skipped, "
            f"{len(self.failed)} failed; {self.paragraphs} paragraphs; "
            f"{self.seconds:.2f} s ({rate:.2f} MB/s)"
        )

    def as_dict(self) -> dict:
        return {
            "added": self.added, "updated": self.updated, "removed": self.removed,
            "skipped": self.skipped,
            "failed": [{"path": p, "reason": r} for p, r in self.failed],
            "paragraphs": self.paragraphs, "bytes": self.bytes,
            "seconds": round(self.seconds, 3), "rebuilt": self.rebuilt,
            "generation": self.generation,
        }


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


def _indexed_documents(ix) -> dict[str, dict]:
    with ix.searcher() as searcher:
        return {d[f.DOC_ID]: d for d in searcher.documents(**{f.KIND: f.KIND_DOC})}


def _under(path: str, roots: Sequence[Path]) -> bool:
    return any(Path(path).is_relative_to(r) for r in roots)


def index_reports(
    settings: Settings,
    paths: Sequence[str | os.PathLike] | None = None,
    *,
    rebuild: bool = False,
    prune: bool | None = None,
    progress: Progress | None = None,
) -> IndexSummary:
    """Bring the index up to date with the report files under ``paths``.

    ``paths`` defaults to the configured folders; ``prune`` (default: on for the configured
    folders) removes documents whose files are gone. Unchanged files (same content hash) are
    skipped; a file that cannot be read is reported in ``failed`` and the run goes on.
    """
    started = time.perf_counter()
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
        summary = _index_locked(settings, root, paths, rebuild, prune, progress)
    finally:
        lock.release()
    summary.seconds = time.perf_counter() - started
    return summary


def _index_locked(settings, root, paths, rebuild, prune, progress) -> IndexSummary:
    store.remove_stale(root)
    wanted = index_fingerprint(settings)
    summary = IndexSummary()
    reason = "asked for" if rebuild else _rebuild_reason(root, wanted)
    summary.rebuilt, summary.rebuild_reason = bool(reason), reason

    if summary.rebuilt:
        gen_dir = store.new_generation_dir(root)
        schema = f.build_schema(settings.user_words(), settings.stop_words())
        ix = whoosh_index.create_in(str(gen_dir), schema)
        existing: dict[str, dict] = {}
    else:
        gen_dir = store.current_dir(root)
        ix = whoosh_index.open_dir(str(gen_dir))
        existing = _indexed_documents(ix)

    roots = [Path(p).absolute() for p in (paths or settings["index.folders"])]
    if prune is None:
        prune = not paths
    files = list(find_files(roots, settings["index.extensions"]))
    max_bytes = settings["index.max_file_mb"] * 1_000_000
    cleaner = cleaner_for(settings)
    seen: set[str] = set()

    if summary.rebuilt and _parallel(settings, files):
        sink: _Sink | ParallelBuild = ParallelBuild(gen_dir, _processes(settings))
    else:
        sink = _Sink(ix.writer(limitmb=WRITER_MB))
    try:
        for path in progress(files, len(files)) if progress else files:
            doc_id = doc_id_for(path)
            seen.add(doc_id)
            try:
                data = read_bytes(path, max_bytes)
                old = existing.get(doc_id)
                digest = content_hash(data)
                if old is not None and old[f.CONTENT_HASH] == digest:
                    summary.skipped += 1
                    continue
                report = parse_report(decode(data, str(path)), path.name, cleaner)
                if not report.blocks:
                    raise UnreadableFileError(f"{path}: no report text left after cleaning")
            except UnreadableFileError as e:
                summary.failed.append((str(path), e.message))
                continue
            if old is not None:
                sink.writer.delete_by_term(f.DOC_ID, doc_id)
                summary.updated += 1
            else:
                summary.added += 1
            sink.add(doc_id, str(path.absolute()), digest, len(data), report)
            summary.paragraphs += len(report.blocks)
            summary.bytes += len(data)
        if prune:
            for doc_id, doc in existing.items():
                gone = not os.path.exists(doc[f.PATH])
                if doc_id not in seen and (gone or _under(doc[f.PATH], roots)):
                    sink.writer.delete_by_term(f.DOC_ID, doc_id)
                    summary.removed += 1
        if summary.changed:
            sink.commit()
        else:
            sink.cancel()
    except BaseException:
        sink.cancel()
        raise

    meta = store.read_meta(gen_dir) if not summary.rebuilt else {"created_at": _now()}
    meta.update(schema_version=f.SCHEMA_VERSION, fingerprint=wanted)
    if summary.changed:
        meta["updated_at"] = _now()
    store.write_meta(gen_dir, meta)
    if summary.rebuilt:
        store.publish(root, gen_dir)
        store.remove_stale(root)
    summary.generation = store.generation(root)
    return summary


class _Sink:
    """One Whoosh writer in this process (the other sink is ``ParallelBuild``)."""

    def __init__(self, writer):
        self.writer = writer

    def add(self, *job) -> None:
        add_report(self.writer, *job)

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


def add_report(writer, doc_id: str, path: str, digest: str, size: int, report: Report) -> None:
    """The records of one report: a document record and one record per paragraph."""
    years = ",".join(str(y) for y in report.years)
    outline = [[b.number, b.level, b.section_no, b.text] for b in report.headings]
    writer.add_document(**{
        f.KIND: f.KIND_DOC, f.KEY: doc_id, f.DOC_ID: doc_id, f.TITLE: report.title,
        f.TITLE_SOURCE: report.title_source, f.YEARS: years, f.PATH: path,
        f.CONTENT_HASH: digest, f.SIZE: size, f.PARAGRAPH_COUNT: len(report.blocks),
        f.INDEXED_AT: _now(), f.OUTLINE: outline,
    })
    for block in report.blocks:
        writer.add_document(**{
            f.KIND: f.KIND_PARA, f.KEY: f.para_key(doc_id, block.number), f.DOC_ID: doc_id,
            f.TITLE: report.title, f.TITLE_WORDS: report.title, f.YEARS: years,
            f.SECTION: block.section_path[0] if block.section_path else "",
            f.SECTION_PATH: list(block.section_path), f.SECTION_NO: block.section_no,
            f.HEADING_WORDS: " ".join(block.section_path), f.PARAGRAPH: block.number,
            f.LEVEL: block.level, f.TEXT: block.text, f.START: block.start, f.END: block.end,
            f.BODY: block.text, f.CHARS: block.text, f.CHAR: block.text,
        })

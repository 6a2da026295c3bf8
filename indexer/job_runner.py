"""The work of upload and delete jobs, run by ``report-search run-job FILE`` in the job's own
process (indexer/jobs.py starts it): store the uploads, index the uploads folder, and record
each file's outcome in the job file."""

from __future__ import annotations

import os
from pathlib import Path

from filelock import FileLock, Timeout

from . import store, uploads
from .config import Settings
from .errors import IndexNotFoundError, ReportSearchError
from .jobs import JobFile, _now
from .search import IndexReader
from .sources import content_hash, doc_id_for
from .writer import index_reports

WAITING = ("waiting: another indexer is writing the index (report-search index, or another "
           "job); this job starts when it has finished")


def run(path: str | os.PathLike, settings: Settings) -> dict:
    recorder = JobFile(path)
    job = recorder.update(state="processing", started_at=_now())
    try:
        if job["kind"] == "upload":
            return _upload(recorder, job, settings)
        if job["kind"] == "delete":
            return _delete(recorder, job, settings)
        raise ValueError(f"unknown job kind {job['kind']!r}")
    except ReportSearchError as e:
        return recorder.fail(e.code, e.message)
    except BaseException:
        recorder.fail("internal", "the indexer failed unexpectedly; see the job's log")
        raise


def _indexed_hashes(settings: Settings) -> dict[str, dict]:
    try:
        reader = IndexReader(settings)
    except IndexNotFoundError:
        return {}
    try:
        return {d["content_hash"]: d for d in reader.documents() if d["content_hash"]}
    finally:
        reader.close()


def _wait_for_lock(recorder: JobFile, settings: Settings) -> None:
    """Say so when another writer holds the index; index_reports then waits for it."""
    root = Path(settings["index.path"])
    root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(root / store.LOCK))
    try:
        lock.acquire(timeout=0)
        lock.release()
    except Timeout:
        recorder.update(message=WAITING)


def _upload(recorder: JobFile, job: dict, settings: Settings) -> dict:
    files = job["files"]
    indexed = _indexed_hashes(settings)
    for entry in files:
        if entry["outcome"] or not entry["staged"]:
            continue
        staged = Path(entry["staged"])
        if not staged.exists():  # stored by the attempt that died
            continue
        twin = indexed.get(content_hash(staged.read_bytes()))
        if twin is not None:
            entry.update(outcome="duplicate", doc_id=twin["doc_id"],
                         reason=f"the same file as {twin['title']} ({twin['path']}), "
                                "already indexed")
            staged.unlink()
            continue
        kind = uploads.check_upload(entry["name"], staged.read_bytes())
        stored, new = uploads.store(settings, staged, entry["name"], kind)
        entry["path"] = str(stored)
        if not new:
            entry.update(outcome="duplicate", doc_id=doc_id_for(stored),
                         reason=f"the same file as {stored.name}, uploaded before")
            staged.unlink(missing_ok=True)
        recorder.update(files=files)  # where it went survives this process dying
    recorder.update(files=files)
    uploads.uploads_dir(settings).mkdir(parents=True, exist_ok=True)
    _wait_for_lock(recorder, settings)  # the message goes once the lock is held (progress)
    summary = index_reports(settings, [uploads.uploads_dir(settings)], progress=recorder.progress)
    failed = dict(summary.failed) | dict(summary.skipped)
    for entry in files:
        if entry["outcome"] or "path" not in entry:
            continue
        if entry["path"] in failed:
            reason = failed[entry["path"]].removeprefix(entry["path"] + ": ")
            entry.update(outcome="failed", reason=reason)
            uploads.remove(entry["path"], settings)  # not read again on every run
        else:
            entry.update(outcome="indexed", doc_id=doc_id_for(entry["path"]))
    recorder.update(files=files)
    return recorder.finish(summary.as_dict())


def _delete(recorder: JobFile, job: dict, settings: Settings) -> dict:
    document = job["document"]
    uploads.remove(document["path"], settings)
    uploads.uploads_dir(settings).mkdir(parents=True, exist_ok=True)
    _wait_for_lock(recorder, settings)  # the message goes once the lock is held (progress)
    summary = index_reports(settings, [uploads.uploads_dir(settings)], prune=True,
                            progress=recorder.progress)
    return recorder.finish(summary.as_dict())

"""Background jobs: an indexer run started from the web, watched by polling.

Each job is a JSON file under ``<index>/jobs/``, written by the process that does the work
(``report-search index --job FILE``) and read by any web worker, so a poll may reach a
different worker than the one that started the job. The work runs in its own process, not a
thread of a web worker: gunicorn kills a worker that overruns its timeout or restarts it on a
reload, and the job must outlive both. A job whose process is gone without having said so is
reported as failed.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from .config import Settings, dump_settings
from .errors import JobNotFoundError

FOLDER = "jobs"
KEEP = 50  # finished jobs kept on disk; older ones are deleted when a new job starts
ID_RE = re.compile(r"^[0-9a-f]{16}$")
PROGRESS_EVERY = 0.5  # seconds between two progress writes
JOB_LOCK_TIMEOUT = 24 * 3600  # a queued job waits for the running indexer, however long
RUNNING = ("queued", "processing")
RETRIES = 1  # a job whose process died is started again once


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def jobs_dir(settings: Settings) -> Path:
    return Path(settings["index.path"]) / FOLDER


def _write(path: Path, job: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(job, ensure_ascii=False, indent=1), "utf-8")
    os.replace(tmp, path)  # a reader sees the old state or the new one, never half


class JobFile:
    """The job's side of its file: the indexer process reports progress and the outcome."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._last = 0.0

    def read(self) -> dict:
        return json.loads(self.path.read_text("utf-8"))

    def update(self, **changes) -> dict:
        job = self.read()
        job.update(changes)
        _write(self.path, job)
        return job

    def progress(self, files: Iterable[Path], total: int) -> Iterator[Path]:
        """Wraps the indexer's file loop: called once the index lock is held."""
        started = self.read().get("started_at") or _now()
        self.update(state="processing", started_at=started, message=None,
                    progress={"done": 0, "total": total})
        done = 0
        for path in files:
            yield path
            done += 1
            if time.monotonic() - self._last >= PROGRESS_EVERY:
                self._last = time.monotonic()
                self.update(progress={"done": done, "total": total})
        self.update(progress={"done": done, "total": total})

    def finish(self, summary: dict) -> dict:
        return self.update(state="done", finished_at=_now(), summary=summary)

    def fail(self, code: str, message: str) -> dict:
        error = {"code": code, "message": message}
        return self.update(state="failed", finished_at=_now(), error=error)


def start_index_job(settings: Settings) -> dict:
    """Queue an indexer run over every source of the index, in a process of its own. A run
    still queued (waiting for the running one) will read everything anyway: it is returned
    instead of a new one, so repeated calls never pile up processes."""
    waiting = [j for j in list_jobs(settings) if j["state"] == "queued" and j["kind"] == "index"]
    if waiting:
        return waiting[0]
    return _start(settings, "index", lambda path, config: [
        sys.executable, "-m", "indexer.cli", "index", "--json", "--job", str(path),
        "--config", str(config)])


def start_upload_job(settings: Settings, files: list[tuple[str, bytes]],
                     refused: list[tuple[str, str]] = ()) -> dict:
    """Queue the indexing of uploaded files ((original name, content) each); ``refused`` are
    the files already turned down, (name, why), listed in the job as failed."""
    def stage(job_id: str, folder: Path) -> dict:
        staging = folder / job_id
        staging.mkdir()
        entries = []
        for number, (name, data) in enumerate(files):
            staged = staging / f"{number}.upload"
            staged.write_bytes(data)
            entries.append({"name": name, "size": len(data), "staged": str(staged),
                            "outcome": None, "reason": None, "doc_id": None})
        entries += [{"name": name, "size": None, "staged": None, "outcome": "failed",
                     "reason": why, "doc_id": None} for name, why in refused]
        return {"files": entries}

    return _start(settings, "upload", _run_command, stage)


def start_delete_job(settings: Settings, doc_id: str, path: str, title: str) -> dict:
    """Queue the removal of an uploaded document: its file and its records."""
    return _start(settings, "delete", _run_command,
                  lambda job_id, folder: {"document": {"doc_id": doc_id, "path": path,
                                                       "title": title}})


def _run_command(path: Path, config: Path) -> list[str]:
    return [sys.executable, "-m", "indexer.cli", "run-job", str(path), "--config", str(config)]


def _start(settings: Settings, kind: str, command, payload=None) -> dict:
    folder = jobs_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    _remove_old(folder)
    job_id = secrets.token_hex(8)
    job = {"id": job_id, "kind": kind, "state": "queued", "created_at": _now(),
           "started_at": None, "finished_at": None, "progress": None, "summary": None,
           "error": None, "message": None, "attempts": 0, "pid": None}
    if payload is not None:
        job.update(payload(job_id, folder))
    path = folder / f"{job_id}.json"
    config = folder / f"{job_id}.yaml"
    # The indexer needs no admin token: it stays out of the index folder.
    job_settings = settings.replace(index__lock_timeout=JOB_LOCK_TIMEOUT, server__admin_token=None)
    config.write_text(dump_settings(job_settings), "utf-8")
    job["command"] = command(path, config)
    _write(path, job)
    return _public(_launch(path))


def _launch(path: Path) -> dict:
    """Start (or restart) the job's process."""
    job = JobFile(path).read()
    with path.with_suffix(".log").open("ab") as log:
        proc = subprocess.Popen(job["command"], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                start_new_session=True)
    job = JobFile(path).update(pid=proc.pid, pid_started=_started(proc.pid),
                               attempts=job.get("attempts", 0) + 1)
    # Reap it when it ends (else it stays a zombie of this worker and looks alive).
    threading.Thread(target=proc.wait, daemon=True, name=f"job-{job['id']}").start()
    return job


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name, or None without that process."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _started(pid: int) -> str | None:
    fields = _stat(pid)
    return fields[19] if fields else None  # starttime: with the pid, names one process ever


def _alive(job: dict) -> bool:
    pid = job.get("pid")
    if not pid:
        return False
    fields = _stat(pid)
    if fields is None:
        if Path("/proc/self/stat").exists():
            return False
        try:
            os.kill(pid, 0)  # no /proc: at least a process with that number exists
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    # A zombie has ended; a process with another start time reuses the number (a reboot).
    return fields[0] != "Z" and fields[19] == job.get("pid_started", fields[19])


PRIVATE = ("pid", "pid_started", "command")


def _public(job: dict) -> dict:
    public = {k: v for k, v in job.items() if k not in PRIVATE}
    if "files" in public:
        public["files"] = [{k: v for k, v in f.items() if k != "staged"} for f in public["files"]]
    return public


def read_job(settings: Settings, job_id: str) -> dict:
    """One job's state; a job whose process ended without a word is reported as failed."""
    path = jobs_dir(settings) / f"{job_id}.json"
    if not ID_RE.match(job_id) or not path.exists():
        raise JobNotFoundError(f"no job with id {job_id!r}")
    try:
        job = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:  # deleted meanwhile as an old job
        raise JobNotFoundError(f"no job with id {job_id!r}") from None
    if job["state"] in RUNNING and job.get("pid") and not _alive(job):
        job = _died(path)
    return _public(job)


def _died(path: Path) -> dict:
    """A job whose process is gone without a word (killed, a crash, a reboot): started once
    more, then failed. One web worker decides: the others find the lock taken."""
    lock = FileLock(str(path.with_suffix(".lock")))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return JobFile(path).read()
    try:
        job = JobFile(path).read()  # it may have finished meanwhile
        if job["state"] not in RUNNING or _alive(job):
            return job
        if job.get("command") and job.get("attempts", 1) < RETRIES + 1:
            JobFile(path).update(state="queued", message="the indexer process ended "
                                 "unexpectedly; started again")
            return _launch(path)
        return JobFile(path).fail("job_died", "the indexer process ended unexpectedly; "
                                              f"its output is in {path.with_suffix('.log')}")
    finally:
        lock.release()


def _newest(folder: Path) -> list[Path]:
    """Job files, the newest first (one deleted meanwhile by another worker is left out)."""
    dated = []
    for path in folder.glob("*.json"):
        try:
            dated.append((path.stat().st_mtime, path))
        except FileNotFoundError:
            pass
    return [path for _, path in sorted(dated, reverse=True) if ID_RE.match(path.stem)]


def list_jobs(settings: Settings, limit: int = 20) -> list[dict]:
    """The newest jobs first (at most ``KEEP`` are on disk)."""
    jobs = []
    for path in _newest(jobs_dir(settings)):
        try:
            jobs.append(read_job(settings, path.stem))
        except JobNotFoundError:
            pass
    # Sorted by creation (a running job's file changes as it goes); ties keep file order.
    return sorted(jobs, key=lambda j: j["created_at"], reverse=True)[:limit]


def _remove_old(folder: Path) -> None:
    for path in _newest(folder)[KEEP:]:
        try:
            if json.loads(path.read_text("utf-8"))["state"] in RUNNING:
                continue
        except (OSError, ValueError, KeyError):
            pass
        for suffix in (".json", ".yaml", ".log", ".lock"):
            path.with_suffix(suffix).unlink(missing_ok=True)
        shutil.rmtree(path.with_suffix(""), ignore_errors=True)  # an upload's staged files

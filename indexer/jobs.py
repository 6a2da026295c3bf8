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
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from .config import Settings, dump_settings
from .errors import JobNotFoundError

FOLDER = "jobs"
KEEP = 50  # finished jobs kept on disk; older ones are deleted when a new job starts
ID_RE = re.compile(r"^[0-9a-f]{16}$")
PROGRESS_EVERY = 0.5  # seconds between two progress writes
JOB_LOCK_TIMEOUT = 24 * 3600  # a queued job waits for the running indexer, however long
RUNNING = ("queued", "processing")


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

    def update(self, **changes) -> dict:
        job = json.loads(self.path.read_text("utf-8"))
        job.update(changes)
        _write(self.path, job)
        return job

    def progress(self, files: Iterable[Path], total: int) -> Iterator[Path]:
        """Wraps the indexer's file loop: called once the index lock is held."""
        self.update(state="processing", started_at=_now(), progress={"done": 0, "total": total})
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
    folder = jobs_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    _remove_old(folder)
    waiting = [j for j in list_jobs(settings) if j["state"] == "queued"]
    if waiting:
        return waiting[0]
    job_id = secrets.token_hex(8)
    job = {"id": job_id, "kind": "index", "state": "queued", "created_at": _now(),
           "started_at": None, "finished_at": None, "progress": None, "summary": None,
           "error": None, "pid": None}
    path = folder / f"{job_id}.json"
    _write(path, job)
    config = folder / f"{job_id}.yaml"
    # The indexer needs no admin token: it stays out of the index folder.
    job_settings = settings.replace(index__lock_timeout=JOB_LOCK_TIMEOUT, server__admin_token=None)
    config.write_text(dump_settings(job_settings), "utf-8")
    with (folder / f"{job_id}.log").open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "indexer.cli", "index", "--json", "--job", str(path),
             "--config", str(config)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
        )
    job = JobFile(path).update(pid=proc.pid, pid_started=_started(proc.pid))
    # Reap it when it ends (else it stays a zombie of this worker and looks alive).
    threading.Thread(target=proc.wait, daemon=True, name=f"job-{job_id}").start()
    return _public(job)


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


def _public(job: dict) -> dict:
    return {k: v for k, v in job.items() if k not in ("pid", "pid_started")}


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
        job = json.loads(path.read_text("utf-8"))  # it may have finished meanwhile
        if job["state"] in RUNNING:
            job = JobFile(path).fail("job_died", "the indexer process ended unexpectedly; "
                                                 f"its output is in {path.with_suffix('.log')}")
    return _public(job)


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
        for suffix in (".json", ".yaml", ".log"):
            path.with_suffix(suffix).unlink(missing_ok=True)

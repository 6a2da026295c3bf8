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
    """Queue an indexer run over every source of the index, in a process of its own."""
    folder = jobs_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    _remove_old(folder)
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
    job = JobFile(path).update(pid=proc.pid)
    # Reap it when it ends (else it stays a zombie of this worker and looks alive).
    threading.Thread(target=proc.wait, daemon=True, name=f"job-{job_id}").start()
    return _public(job)


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)  # no /proc: at least the process exists
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return state != "Z"


def _public(job: dict) -> dict:
    return {k: v for k, v in job.items() if k != "pid"}


def read_job(settings: Settings, job_id: str) -> dict:
    """One job's state; a job whose process ended without a word is reported as failed."""
    path = jobs_dir(settings) / f"{job_id}.json"
    if not ID_RE.match(job_id) or not path.exists():
        raise JobNotFoundError(f"no job with id {job_id!r}")
    job = json.loads(path.read_text("utf-8"))
    if job["state"] in RUNNING and job.get("pid") and not _alive(job["pid"]):
        job = json.loads(path.read_text("utf-8"))  # it may have finished meanwhile
        if job["state"] in RUNNING:
            job = JobFile(path).fail("job_died", "the indexer process ended unexpectedly; "
                                                 f"its output is in {path.with_suffix('.log')}")
    return _public(job)


def list_jobs(settings: Settings, limit: int = 20) -> list[dict]:
    """The newest jobs first."""
    folder = jobs_dir(settings)
    paths = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    return [read_job(settings, p.stem) for p in paths[:limit] if ID_RE.match(p.stem)]


def _remove_old(folder: Path) -> None:
    paths = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for path in paths[KEEP:]:
        try:
            if json.loads(path.read_text("utf-8"))["state"] in RUNNING:
                continue
        except (OSError, ValueError, KeyError):
            pass
        for suffix in (".json", ".yaml", ".log"):
            path.with_suffix(suffix).unlink(missing_ok=True)

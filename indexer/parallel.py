"""Rebuilds on several cores: each worker process writes Whoosh segments of the new index.

The parent reads and parses the files (cheap) and queues the parsed reports; the workers do the
expensive part, analysis and posting lists. At the end the parent writes one table of contents
that lists every worker's segment, the way Whoosh's own ``MpWriter(multisegment=True)`` does.

Why not ``MpWriter``: it forks, so its children inherit the index's lock file descriptor and
could hold the lock after a killed parent; and it ships documents through temporary pickle
files. Here workers are *spawned* (no inherited descriptors) and die with their parent.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import queue
import signal
import traceback

from whoosh import index as whoosh_index

from .bulk import BulkWriter, open_writer
from .errors import IndexWorkerError
from .schema import add_report

# Records a worker puts in one segment before it starts another: its postings are held in
# memory as arrays (~25 bytes each, ~360 per paragraph), so this bounds a worker's memory.
SEGMENT_RECORDS = 100_000
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Linux: have the kernel kill this process when its parent dies (e.g. by SIGKILL)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: an orphan worker only writes into an unpublished folder
    if os.getppid() != parent:  # the parent died while this process was starting
        os._exit(1)


def _work(parent: int, gen_dir: str, segment_records: int, jobs, results) -> None:
    _die_with_parent(parent)
    try:
        ix = whoosh_index.open_dir(gen_dir)
        segments = []
        writer = BulkWriter(ix, _lk=False)  # the parent holds the lock
        while (job := jobs.get()) is not None:
            add_report(writer, *job)
            if writer.docnum >= segment_records:
                segments.append(writer._finalize_segment())
                writer = BulkWriter(ix, _lk=False)
        if writer._added:
            segments.append(writer._finalize_segment())
        else:
            writer._close_segment()
        # The temporary folder is shared by all workers; the parent's writer removes it.
        results.put(("ok", segments))
    except BaseException:
        results.put(("error", traceback.format_exc()))


class ParallelBuild:
    """Workers that add reports to a fresh index in ``gen_dir``; ``commit`` publishes them."""

    def __init__(self, gen_dir, processes: int):
        ctx = mp.get_context("spawn")
        self.gen_dir = str(gen_dir)
        self.jobs = ctx.Queue(maxsize=4 * processes)  # back-pressure: parsing runs ahead a bit
        self.results = ctx.Queue()
        self.workers = [
            ctx.Process(target=_work,
                        args=(os.getpid(), self.gen_dir, SEGMENT_RECORDS, self.jobs, self.results),
                        daemon=True, name=f"report-search-index-{n}")
            for n in range(processes)
        ]
        for w in self.workers:
            w.start()

    def add(self, *job) -> None:
        while True:
            try:
                self.jobs.put(job, timeout=1)
                return
            except queue.Full:
                self._check_alive(feeding=True)

    def _check_alive(self, feeding: bool = False) -> None:
        # While jobs are fed a worker never ends: one that has ended died, or failed and said
        # why (exit code 0). At commit, workers end as they finish: only a failure counts.
        dead = [w for w in self.workers
                if w.exitcode is not None and (feeding or w.exitcode != 0)]
        if dead:
            try:
                status, value = self.results.get(timeout=1)
            except queue.Empty:
                status, value = "", ""
            if status == "error":
                raise IndexWorkerError(f"an index worker failed:\n{value}")
            name, code = dead[0].name, dead[0].exitcode
            raise IndexWorkerError(f"index worker {name} died (exit code {code})")

    def commit(self) -> None:
        """Wait for the workers' segments and write the index's table of contents."""
        for _ in self.workers:
            self.jobs.put(None)
        segments, finished = [], 0
        while finished < len(self.workers):
            try:
                status, value = self.results.get(timeout=1)
            except queue.Empty:
                self._check_alive()
                continue
            if status != "ok":
                raise IndexWorkerError(f"an index worker failed:\n{value}")
            segments.extend(value)
            finished += 1
        for w in self.workers:
            w.join()
        ix = whoosh_index.open_dir(self.gen_dir)
        writer = open_writer(ix)
        try:
            writer._close_segment()  # its own (empty) segment is not used
            writer._commit_toc(segments)
        finally:
            writer._finish()

    def cancel(self) -> None:
        for w in self.workers:
            if w.is_alive():
                w.kill()
        for w in self.workers:
            w.join()
        # Queued jobs nobody will read must not keep this process from exiting.
        self.jobs.cancel_join_thread()
        self.results.cancel_join_thread()

"""The format readers run in a child process, under a time limit and a memory limit.

A hostile or broken file (a decompression bomb, a PDF that makes PDFium loop) must cost the
indexer one file, not the run or the machine. One child serves a whole run, file after file
(starting Python and importing lxml and PDFium per file would cost ~0.2 s each); a file that
overruns the time limit, or kills the child, is reported by name and the next file gets a new
child. The memory limit is ``RLIMIT_AS``, set in the child after its imports, over what it
already maps.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from multiprocessing.connection import Connection, Pipe

from ..errors import UnreadableFileError
from ..reports import Piece

STARTUP_TIMEOUT = 60  # seconds for the parser process to import its libraries
CHILD = __package__ + ".child"  # not imported here: run as __main__ in the child


class Sandbox:
    """Read files of a kind ("docx", "pdf") in a limited child process; a context manager."""

    def __init__(self, timeout: float, memory_mb: int, max_unzipped: int):
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.max_unzipped = max_unzipped
        self._child: tuple[subprocess.Popen, Connection] | None = None

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def read(self, kind: str, data: bytes) -> list[Piece]:
        process, conn = self._child or self._start()
        try:
            conn.send((kind, data, self.max_unzipped))
            if not conn.poll(self.timeout):
                self.close()
                raise UnreadableFileError(f"reading it took over {self.timeout:g} s (the time "
                                          "limit, index.parse_timeout): skipped")
            ok, value = conn.recv()
        except (EOFError, OSError):
            code = self.close()
            raise UnreadableFileError(
                f"the parser died ({_signal_name(code)}), likely over the memory limit "
                f"(index.parse_memory_mb: {self.memory_mb} MB): skipped") from None
        if not ok:
            raise UnreadableFileError(value)
        return [Piece(*p) for p in value]

    def _start(self) -> tuple[subprocess.Popen, Connection]:
        ours, theirs = Pipe()
        process = subprocess.Popen(
            [sys.executable, "-m", CHILD, str(theirs.fileno()), str(self.memory_mb)],
            pass_fds=[theirs.fileno()], start_new_session=True, stdin=subprocess.DEVNULL)
        theirs.close()
        self._child = process, ours
        try:
            if ours.poll(STARTUP_TIMEOUT) and ours.recv() == "ready":
                return self._child
        except (EOFError, OSError):
            pass
        code = self.close()
        raise UnreadableFileError(f"the parser process did not start ({_signal_name(code)})")

    def close(self) -> int | None:
        if self._child is None:
            return None
        process, conn = self._child
        self._child = None
        conn.close()  # a healthy child reads EOF and ends
        try:
            return process.wait(0.5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            return process.wait()


def _signal_name(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"

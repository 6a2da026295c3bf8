"""The parser process's side of ``sandbox.Sandbox``: ``python -m indexer.readers.child FD MB``."""

from __future__ import annotations

import resource
import sys
from multiprocessing.connection import Connection

from ..errors import UnreadableFileError


def serve(conn: Connection, memory_mb: int) -> None:
    from . import pdf, word  # imported before the limit: their libraries are not the file's cost

    _warm_up()
    with open("/proc/self/statm") as statm:
        mapped = int(statm.read().split()[0]) * resource.getpagesize()
    limit = mapped + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    conn.send("ready")  # the time limit counts from here: starting is not the file's cost
    readers = {"docx": word.read_docx, "pdf": lambda data, _: pdf.read_pdf(data)}
    while True:
        try:
            kind, data, max_unzipped = conn.recv()
        except EOFError:
            return
        try:
            pieces = readers[kind](data, max_unzipped)
            reply = True, [(p.text, p.level, p.page) for p in pieces]
        except UnreadableFileError as e:
            reply = False, e.message
        except (MemoryError, ImportError):  # ImportError: "failed to map segment"
            reply = False, f"over the memory limit (index.parse_memory_mb: {memory_mb} MB): skipped"
        except RecursionError:
            reply = False, "nested too deeply to read"
        except Exception as e:  # a reader library's own error on a damaged file
            reply = False, f"cannot be read ({type(e).__name__}: {e})"
        del data
        conn.send(reply)


def _warm_up() -> None:
    """Load what the readers load lazily (lxml's XPath module, python-docx's template, PDFium),
    so that the memory limit meets the file's cost, not a library's first use."""
    import docx
    import pypdfium2

    docx.Document().paragraphs  # noqa: B018
    pypdfium2.PdfDocument.new().close()


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])), int(sys.argv[2]))

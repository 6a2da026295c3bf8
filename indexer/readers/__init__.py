"""One reader per file format, behind one interface: a file's bytes -> pieces (reports.Piece),
which ``reports.build_report`` turns into the same report structure whatever the format.

Plain text is read in this process; Word and PDF in a limited child process (sandbox.py); .doc
and .wps are converted to .docx by LibreOffice first (office.py). The format is taken from the
content (magic bytes, the zip's members), not trusted from the extension.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..errors import UnreadableFileError
from ..reports import Cleaner, Piece, Report, build_report, lines_to_pieces
from ..sources import decode
from . import office
from .sandbox import Sandbox

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc and .wps
BINARY = {".docx": "docx", ".pdf": "pdf", ".doc": "doc", ".wps": "doc"}


def sniff(data: bytes) -> str | None:
    """The format the content says: "pdf", "docx", "doc" (an OLE2 file: .doc or .wps), "zip"
    (another zip), or None (text, HTML, anything else)."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(OLE2):
        return "doc"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return "zip"
        return "docx" if "word/document.xml" in names else "zip"
    return None


def describe(data: bytes) -> str:
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "HTML"
    if data.startswith(b"PK\x03\x04"):
        return "a zip archive"
    return "no known document format"


class Readers:
    """Reads report files of every supported format; a context manager (it owns the child
    process of the binary formats)."""

    def __init__(self, settings, cleaner: Cleaner):
        self.cleaner = cleaner
        self.convert_timeout = settings["index.convert_timeout"]
        self.sandbox = Sandbox(settings["index.parse_timeout"], settings["index.parse_memory_mb"],
                               settings["index.max_unzipped_mb"] * 1_000_000)

    def __enter__(self) -> Readers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.sandbox.close()

    def read(self, path: Path, data: bytes) -> Report:
        """The report in ``data`` (the bytes of ``path``), its ``format`` set ("pdf", "docx",
        "doc", "wps", "txt", "md"), or UnreadableFileError saying why, with the file's name."""
        try:
            pieces, kind = self._pieces(path.suffix.lower(), data)
        except UnreadableFileError as e:
            raise type(e)(f"{path}: {e.message}") from None
        report = build_report(pieces, path.name, self.cleaner)
        if not report.blocks:
            raise UnreadableFileError(f"{path}: no report text left after cleaning")
        report.format = kind
        return report

    def _pieces(self, suffix: str, data: bytes) -> tuple[list[Piece], str]:
        claimed = BINARY.get(suffix)
        found = sniff(data)
        if claimed is None:  # .txt, .md: text unless the content is a document format
            if found in ("pdf", "docx", "doc"):
                return self._binary(found, data, "." + found), found
            return lines_to_pieces(decode(data), self.cleaner), suffix.lstrip(".") or "txt"
        if found is None or found == "zip":
            raise UnreadableFileError(f"not a {suffix} file: its content is {describe(data)}")
        kind = suffix.lstrip(".") if found == claimed else found  # a .doc that is a .docx
        return self._binary(found, data, suffix), kind

    def _binary(self, found: str, data: bytes, suffix: str) -> list[Piece]:
        if found == "doc":
            data, found = office.to_docx(data, suffix, self.convert_timeout), "docx"
        pieces = self.sandbox.read(found, data)
        if not any(p.text.strip() for p in pieces):
            raise UnreadableFileError("no text in it (an empty extraction)")
        return pieces

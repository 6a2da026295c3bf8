"""Reports added from the browser or a script: checked, stored under the uploads folder, and
indexed by a job (indexer/jobs.py), never by the web request itself.

Each upload is stored as ``<uploads>/<sha256>/<original name>``: the folder named by the content
makes a second copy of the same file a duplicate (``mkdir`` either creates it or finds it, even
for two uploads at once), and the file keeps the name its user gave it, Chinese included
(werkzeug's ``secure_filename`` turns ``工作报告.pdf`` into ``pdf``), so the page shows it and
the title falls back to it. The uploads folder is a source of the index like any other folder.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from pathlib import Path

from .config import Settings
from .errors import ReportSearchError, UnreadableFileError
from .readers import describe, sniff
from .sources import content_hash, decode

SUFFIXES = {"pdf": ".pdf", "docx": ".docx", "doc": ".doc", "text": ".txt"}
TEXT_SUFFIXES = (".txt", ".md")
OLE_SUFFIXES = (".doc", ".wps")
MAX_NAME = 120  # characters of an original name kept


class UnsupportedUploadError(ReportSearchError):
    code = "unsupported_media_type"


def uploads_dir(settings: Settings) -> Path:
    return Path(settings["index.uploads"] or Path(settings["index.path"]) / "uploads")


def display_name(name: str, kind: str) -> str:
    """The name a user gave a file, safe as one path component: no folders, no control or
    format characters, no leading dot; the suffix its content calls for.

    >>> display_name("../../报告/2023年工作总结.PDF", "pdf")
    '2023年工作总结.PDF'
    >>> display_name("\\u202e报告\\x00.docx", "docx")
    '报告.docx'
    >>> display_name("notes.txt", "pdf")
    'notes.txt.pdf'
    """
    name = re.split(r"[/\\\\]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().lstrip(".")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    wanted = SUFFIXES[kind]
    if kind == "text" and "." + suffix.lower() in TEXT_SUFFIXES:
        wanted = "." + suffix
    elif kind == "doc" and "." + suffix.lower() in OLE_SUFFIXES:
        wanted = "." + suffix
    elif "." + suffix.lower() == wanted:
        wanted = "." + suffix
    else:
        stem = name  # the suffix given was not the content's: keep it in the name
    stem = stem.strip()[:MAX_NAME] or "upload"
    return stem + wanted


def check_upload(name: str, data: bytes) -> str:
    """The kind of report ``data`` is by its content ("pdf", "docx", "doc", "text"), or
    UnsupportedUploadError naming the file."""
    found = sniff(data)
    if found in ("pdf", "docx", "doc"):
        return found
    suffix = Path(name).suffix.lower()
    if found is None and suffix not in ("", *TEXT_SUFFIXES):
        why = f"named {suffix}, but its content is {describe(data)}"
    elif found is None:
        try:
            decode(data)
            return "text"
        except UnreadableFileError as e:
            why = e.message
    else:
        why = "a zip archive that is no Word document"
    raise UnsupportedUploadError(
        f"{name}: not a report this site reads ({why}); send .docx, .pdf, .doc, .wps, .txt "
        "or .md files")


def store(settings: Settings, staged: Path, name: str, kind: str) -> tuple[Path, bool]:
    """Move a staged upload into the uploads folder: (its stored path, True if it is new).
    An upload whose content is already stored is not stored twice."""
    data_hash = content_hash(staged.read_bytes())
    folder = uploads_dir(settings) / data_hash
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir()
    except FileExistsError:
        existing = [p for p in folder.iterdir() if p.is_file()]
        if existing:
            return existing[0], False
    target = folder / display_name(name, kind)
    shutil.move(staged, target)
    return target, True


def remove(path: str | os.PathLike, settings: Settings) -> bool:
    """Delete an uploaded file and its folder; False if ``path`` is no upload."""
    path = Path(path)
    root = uploads_dir(settings).resolve()
    if not path.resolve().is_relative_to(root) or path.resolve().parent == root:
        return False
    shutil.rmtree(path.parent, ignore_errors=True)
    return True


def is_upload(path: str | os.PathLike, settings: Settings) -> bool:
    return Path(path).resolve().is_relative_to(uploads_dir(settings).resolve())

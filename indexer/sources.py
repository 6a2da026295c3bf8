"""Finding report files and decoding them.

Decoding is a strict try-chain (UTF-8 with or without BOM, UTF-16 with BOM, then GB18030, which
includes GBK) rather than a statistical detector: the issue names exactly these encodings, a
strict decode either succeeds or fails (no silent mojibake), and it costs one pass per attempt.
"""

from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UnreadableFileError

ENCODINGS = ("utf-8", "gb18030")


@dataclass
class Scan:
    """What a walk over the sources found: report files, and the paths it could not use."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why): a type not read
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, why): unreadable folder
    missing: list[str] = field(default_factory=list)  # sources that no longer exist


def unsupported(path: Path, extensions: Sequence[str]) -> str:
    kind = f"file type {path.suffix}" if path.suffix else "file without an extension"
    return f"{path}: unsupported {kind}; supported: {', '.join(extensions)}"


def scan(sources: Iterable[str | os.PathLike], extensions: Sequence[str]) -> Scan:
    """Files with one of ``extensions`` under ``sources`` (files or folders, recursively).

    Hidden files and folders (``.git``, ``.DS_Store``) are passed over. Another file type in a
    folder is *skipped* with a reason; named as a source, it is a failure. A folder that cannot
    be listed is a failure, not a silent gap. Anything else that has a report's name but is no
    folder (a broken or looping link, a pipe, a device) is returned as a file, so that reading
    it reports it by name.
    """
    exts = tuple(e.lower() for e in extensions)
    found = Scan()
    for source in sources:
        source = Path(source)
        if source.is_dir():
            _walk(source, exts, found)
        elif not source.exists():  # a broken link too: an unmounted disk's mount point
            found.missing.append(str(source))
        elif source.suffix.lower() in exts:
            found.files.append(source)
        else:
            found.failed.append((str(source), unsupported(source, extensions)))
    return found


def _walk(folder: Path, exts: tuple[str, ...], found: Scan) -> None:
    def refused(error: OSError) -> None:
        found.failed.append((error.filename, f"{error.filename}: cannot read folder "
                                             f"({error.strerror})"))

    files = []
    for top, dirs, names in os.walk(folder, onerror=refused):  # symlinked folders not followed
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if name.startswith("."):
                continue
            path = Path(top, name)
            if path.suffix.lower() in exts:
                files.append(path)
            else:
                found.skipped.append((str(path), unsupported(path, exts)))
    found.files += sorted(files)


def doc_id_for(path: str | os.PathLike) -> str:
    """A stable id for a file: derived from its absolute path, URL-safe."""
    resolved = os.path.abspath(path)
    return hashlib.sha1(resolved.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):  # reading a pipe or /dev/zero would never end
            raise UnreadableFileError(f"{path}: not a regular file (a pipe, socket or device)")
        size = info.st_size
        if size > max_bytes:
            raise UnreadableFileError(
                f"{path}: {size / 1e6:.1f} MB is larger than index.max_file_mb "
                f"({max_bytes / 1e6:.0f} MB)"
            )
        return path.read_bytes()
    except FileNotFoundError:
        if path.is_symlink():
            raise UnreadableFileError(f"{path}: broken symbolic link") from None
        raise UnreadableFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UnreadableFileError(f"{path}: is a folder") from None
    except OSError as e:
        raise UnreadableFileError(f"{path}: cannot read ({e.strerror})") from None


def _named(name: str, why: str) -> str:
    return f"{name}: {why}" if name else why


def decode(data: bytes, name: str = "") -> str:
    """Text of a report file, or UnreadableFileError naming the file and why."""
    if data.startswith(b"\xef\xbb\xbf"):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        if b"\x00" in data:
            raise UnreadableFileError(
                _named(name, "binary file (contains NUL bytes), not a report"))
        encodings = ENCODINGS
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise UnreadableFileError(_named(name, "not UTF-8 or GB18030/GBK text"))
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and not c.isspace())
    if controls > max(8, len(text) // 100):
        raise UnreadableFileError(_named(name, "binary file (control characters), not a report"))
    if not text.strip():
        raise UnreadableFileError(_named(name, "empty file, nothing to index"))
    return text

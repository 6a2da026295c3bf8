"""Where an index lives on disk, and how a new one replaces the old one atomically.

    <root>/current  -> gen-000003   symlink, swapped atomically (os.replace) after a rebuild
    <root>/previous -> gen-000002   kept so readers that opened it can finish
    <root>/gen-000003/               a Whoosh index plus meta.json
    <root>/write.lock                held by the one writer (released by the OS if it dies)

Incremental updates commit inside the current generation: Whoosh writes new segment files and
then renames a new table of contents into place, so readers see the old or the new state.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from whoosh import index as whoosh_index

from .errors import IndexNotFoundError

CURRENT = "current"
PREVIOUS = "previous"
META = "meta.json"
LOCK = "write.lock"
GEN_RE = re.compile(r"^gen-(\d{6})$")


def current_dir(root: str | os.PathLike) -> Path | None:
    link = Path(root) / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = Path(root) / target
    return path if (path / META).exists() else None


def read_meta(gen_dir: Path) -> dict:
    return json.loads((gen_dir / META).read_text("utf-8"))


def write_meta(gen_dir: Path, meta: dict) -> None:
    tmp = gen_dir / (META + ".tmp")
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    os.replace(tmp, gen_dir / META)


def new_generation_dir(root: str | os.PathLike) -> Path:
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    numbers = [int(m.group(1)) for p in root.iterdir() if (m := GEN_RE.match(p.name))]
    path = root / f"gen-{max(numbers, default=0) + 1:06d}"
    path.mkdir()
    return path


def _swap_link(root: Path, name: str, target: str) -> None:
    tmp = root / f".{name}.tmp"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, root / name)


def publish(root: str | os.PathLike, gen_dir: Path) -> None:
    """Make ``gen_dir`` the current index in one atomic step."""
    root = Path(root)
    old = current_dir(root)
    if old is not None and old.name != gen_dir.name:
        _swap_link(root, PREVIOUS, old.name)
    _swap_link(root, CURRENT, gen_dir.name)
    fd = os.open(root, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale(root: str | os.PathLike) -> list[str]:
    """Delete generations that are neither current nor previous (left by killed rebuilds)."""
    root = Path(root)
    keep = set()
    for name in (CURRENT, PREVIOUS):
        try:
            keep.add(os.readlink(root / name))
        except OSError:
            pass
    removed = []
    for path in root.iterdir() if root.is_dir() else ():
        if GEN_RE.match(path.name) and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    return removed


def open_index(root: str | os.PathLike):
    """The current Whoosh index under ``root``, or IndexNotFoundError."""
    gen_dir = current_dir(root)
    if gen_dir is None:
        raise IndexNotFoundError(
            f"no index at {root} — run `report-search index` to build one"
        )
    return whoosh_index.open_dir(str(gen_dir))


def generation(root: str | os.PathLike) -> str:
    """Changes whenever the searchable state changes: generation folder + Whoosh TOC number."""
    gen_dir = current_dir(root)
    if gen_dir is None:
        return ""
    tocs = [int(m.group(1)) for name in os.listdir(gen_dir)
            if (m := re.match(r"^_MAIN_(\d+)\.toc$", name))]
    return f"{gen_dir.name}.{max(tocs, default=0)}"

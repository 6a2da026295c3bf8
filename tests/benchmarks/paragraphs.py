"""The unit every engine in the benchmarks indexes: the product's own paragraphs of a folder.

Peers get exactly the blocks the product's parser makes (headings included), so a result from
any engine is named the same way: ``"<file name>#<block number>"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from indexer.config import load_settings
from indexer.reports import parse_report
from indexer.sources import decode
from indexer.writer import cleaner_for


@dataclass(frozen=True, slots=True)  # slots: a 1m corpus is a million of these
class Para:
    key: str  # "<file name>#<number>"
    doc: str  # file name
    number: int  # the product's paragraph number (1-based, headings count)
    title: str
    section: str  # the heading path, " / "-joined
    text: str


def para_key(doc: str, number: int) -> str:
    return f"{doc}#{number}"


def load(folder: str | Path) -> list[Para]:
    """Every paragraph of every ``.txt`` report under ``folder``, in file-name order."""
    cleaner = cleaner_for(load_settings(None))
    out: list[Para] = []
    for path in sorted(Path(folder).rglob("*.txt")):
        report = parse_report(decode(path.read_bytes(), str(path)), path.name, cleaner)
        for b in report.blocks:
            out.append(Para(para_key(path.name, b.number), path.name, b.number, report.title,
                            " / ".join(b.section_path), b.text))
    return out

"""How long each file format takes to read, per MB, beside plain text of the same words.

    .venv/bin/python tests/benchmarks/formats.py [--reports 12] [--out formats.md]

The same reports (from tests/corpus/wikisource_gwr) are written as .txt, as .docx (python-docx),
as PDF (printed by headless Chromium, 公文 spacing, running header and page numbers) and, where
LibreOffice is installed, as .doc; each is then read the way the indexer reads it (the child
parser process included) and timed. Per format: files, MB on disk, MB of text read out, seconds,
seconds per MB of file and per MB of text, and the ratio to reading the .txt files. The parser
child is started once for the run, as the indexer does.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import docx  # noqa: E402

from indexer.config import load_settings  # noqa: E402
from indexer.readers import Readers  # noqa: E402
from indexer.reports import parse_report  # noqa: E402
from indexer.sources import decode  # noqa: E402
from indexer.writer import cleaner_for  # noqa: E402
from office_files import CHROMIUM, SOFFICE, print_pdf, report_html, soffice_convert  # noqa: E402

CORPUS = ROOT / "tests" / "corpus" / "wikisource_gwr"


def sources(count: int) -> list[Path]:
    files = sorted(CORPUS.glob("GWR_*.txt"))
    step = max(1, len(files) // count)
    return files[::step][:count]


def make_files(texts: list[Path], out: Path) -> dict[str, list[Path]]:
    cleaner = cleaner_for(load_settings(None))
    made: dict[str, list[Path]] = {"txt": [], "docx": [], "pdf": [], "doc": []}
    for number, path in enumerate(texts):
        report = parse_report(decode(path.read_bytes()), path.name, cleaner)
        txt = out / f"{number}.txt"
        txt.write_bytes(path.read_bytes())
        made["txt"].append(txt)
        document = docx.Document()
        document.add_paragraph(report.title, style="Title")
        for block in report.blocks:
            if block.level:
                document.add_heading(block.text, level=block.level)
            else:
                document.add_paragraph(block.text)
        buffer = io.BytesIO()
        document.save(buffer)
        word = out / f"{number}.docx"
        word.write_bytes(buffer.getvalue())
        made["docx"].append(word)
        if CHROMIUM:
            sections = [("", [b.text for b in report.blocks])]
            html = report_html(report.title, sections).replace("<h2></h2>", "")
            made["pdf"].append(print_pdf(html, out / f"{number}.pdf"))
        if SOFFICE:
            made["doc"].append(soffice_convert(word, "doc:MS Word 97", out))
    return {kind: paths for kind, paths in made.items() if paths}


def measure(paths: list[Path], readers: Readers) -> tuple[float, float, float]:
    """(seconds, MB of files, MB of text read)."""
    size = sum(p.stat().st_size for p in paths) / 1e6
    started = time.perf_counter()
    chars = 0
    for path in paths:
        report = readers.read(path, path.read_bytes())
        chars += sum(len(b.text.encode()) for b in report.blocks)
    return time.perf_counter() - started, size, chars / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=12)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    settings = load_settings(None)
    with tempfile.TemporaryDirectory() as tmp:
        made = make_files(sources(args.reports), Path(tmp))
        with Readers(settings, cleaner_for(settings)) as readers:
            readers.read(made["docx"][0], made["docx"][0].read_bytes())  # start the child
            rows = {kind: measure(paths, readers) for kind, paths in made.items()}
    base = rows["txt"][0]
    lines = ["| format | files | file MB | text MB | read s | s per file MB | s per text MB "
             "| × .txt |", "|---|---|---|---|---|---|---|---|"]
    for kind, (seconds, size, text) in rows.items():
        lines.append(f"| {kind} | {len(made[kind])} | {size:.2f} | {text:.2f} | {seconds:.2f} "
                     f"| {seconds / size:.2f} | {seconds / text:.2f} | {seconds / base:.1f} |")
    table = "\n".join(lines)
    print(table)
    if args.out:
        args.out.write_text(table + "\n", "utf-8")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Build a larger synthetic corpus from the seed reports.

    python make_corpus.py --paragraphs 100000 --out OUT_DIR [--source DIR ...] [--seed 42]

Source paragraphs (by default every .txt in tests/corpus/ and seeds/: the real corpora and the
seeds) (same splitter as the benchmark, corpus.py) are cut into
sentences (after 。！？；;!?). Each new paragraph copies the *shape* of a random
seed paragraph: a short heading stays a heading (drawn from the seed headings),
a body paragraph of k sentences is refilled with k sentences drawn at random
from *other* seed paragraphs. Paragraphs are written one per line, ~50 per
document (file synth_000000.txt, ...). Body paragraphs always end with
sentence-final punctuation, headings are short "一、"-style lines, so
corpus.load_paragraphs() reads back exactly N paragraphs (checked at the end).
Deterministic for a given --seed and seed directory.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import random
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus import (  # noqa: E402
    FINAL_PUNCT,
    SHORT_HEADING_MAX,
    is_heading,
    list_files,
    load_paragraphs,
    split_paragraphs,
)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# The real reports, then the seeds: the paragraphs, in the order, of the shared/ folder this
# generator was first run on (corpus/ sorts before seeds/), so a --seed still makes the same corpus.
SOURCES = [os.path.join(ROOT, "tests", "corpus"), os.path.join(ROOT, "seeds")]
SENT_RE = re.compile(r"[^。！？；;!?]+[。！？；;!?”’」』]*")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENT_RE.findall(text) if s.strip()]


def load_sources(folders: list[str]) -> list:
    """The paragraphs of every folder in turn, numbered through (main() uses pid as an index)."""
    paras = []
    for folder in folders:
        if not os.path.isdir(folder):
            sys.exit(f"no such folder: {folder}")
        for p in load_paragraphs(folder):
            paras.append(dataclasses.replace(p, pid=len(paras)))
    return paras


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--paragraphs", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seeds", "--source", dest="seeds", action="append",
                    help="folder of .txt reports to draw sentences from; repeat for more "
                         "(default: tests/corpus/ and seeds/)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--per-doc", type=int, default=50)
    args = ap.parse_args(argv)

    rng = random.Random(args.seed)
    seeds = load_sources(args.seeds or SOURCES)
    headings = [p.text for p in seeds if is_heading(p.text) and len(p.text) <= SHORT_HEADING_MAX]
    bodies = [p for p in seeds if not (is_heading(p.text) and len(p.text) <= SHORT_HEADING_MAX)]
    pool = []  # (source pid, sentence)
    shapes = []  # per seed paragraph: "H" or number of sentences
    for p in seeds:
        if is_heading(p.text) and len(p.text) <= SHORT_HEADING_MAX:
            shapes.append("H")
            continue
        ss = sentences(p.text)
        shapes.append(max(1, min(len(ss), 12)))
        for s in ss:
            if len(s) >= 4:
                pool.append((p.pid, s))
    if not pool or not bodies:
        sys.exit("no usable seed paragraphs")

    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)

    n, doc, written, total_chars = args.paragraphs, 0, 0, 0
    while written < n:
        lines = []
        for _ in range(min(args.per_doc, n - written)):
            shape = rng.choice(shapes)
            if shape == "H" and headings:
                para = rng.choice(headings)
            else:
                k = shape if shape != "H" else 1
                src = rng.randrange(len(seeds))
                parts = []
                for _s in range(k):
                    pid, s = rng.choice(pool)
                    while pid == src and len(pool) > 1:  # mix: not from the template paragraph
                        pid, s = rng.choice(pool)
                    parts.append(s)
                para = "".join(parts)
                if para[-1] not in FINAL_PUNCT:
                    para += "。"
                if is_heading(para) and len(para) <= SHORT_HEADING_MAX:
                    para = "其中" + para  # keep body paragraphs from looking like headings
            lines.append(para)
            total_chars += len(para)
        with open(os.path.join(args.out, f"synth_{doc:06d}.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        written += len(lines)
        doc += 1

    # Counted file by file: at 1m paragraphs a list of them all would be a needless GB.
    got = 0
    for path in list_files(args.out):
        with open(path, encoding="utf-8") as f:
            got += len(split_paragraphs(f.read()))
    print(f"wrote {written} paragraphs in {doc} documents to {args.out} "
          f"({total_chars/written:.0f} chars/paragraph avg); re-read: {got} paragraphs")
    if got != written:
        sys.exit(f"splitter mismatch: wrote {written}, read back {got}")


if __name__ == "__main__":
    main()

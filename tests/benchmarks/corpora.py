"""The benchmark's corpora (the seeds, a real corpus in tests/corpus/, or generated paragraphs)
and the queries drawn from each, the same for every engine."""

from __future__ import annotations

import logging
import os
import random
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
HERE = Path(__file__).resolve().parent
MAKE_CORPUS = HERE / "make_corpus.py"
REAL = HERE.parent / "corpus"  # real reports, kept in the repo (see its README)
CACHE = Path(tempfile.gettempdir()) / "bench"  # generated corpora, kept between runs
CJK = re.compile(r"[\u4e00-\u9fff]+")


def quiet_jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


SIZES = {"k": 1_000, "m": 1_000_000}


def generated_size(name: str) -> int | None:
    """Paragraphs in a generated corpus named ``<N>k`` or ``<N>m``; None for any other name.

    >>> generated_size("10k"), generated_size("1m"), generated_size("seeds")
    (10000, 1000000, None)
    """
    m = re.fullmatch(r"(\d+)([km])", name)
    return int(m.group(1)) * SIZES[m.group(2)] if m else None


def corpus_folder(name: str) -> Path:
    """seeds, a real corpus (prov2026, wikisource_gwr) or ``<N>k``/``<N>m`` generated paragraphs."""
    if name == "seeds":
        return ROOT / "seeds"
    if name in ("prov2026", "wikisource_gwr"):
        if not (REAL / name).is_dir():  # part of the repo: never silently an empty corpus
            raise FileNotFoundError(f"{REAL / name} is missing from the checkout")
        return REAL / name
    size = generated_size(name)
    if size is None:
        raise ValueError(f"unknown corpus {name!r}: seeds, prov2026, wikisource_gwr, <N>k or <N>m")
    folder = CACHE / f"c{name}"
    if not any(folder.glob("*.txt")):
        tmp = CACHE / f".c{name}-{os.getpid()}"  # renamed when complete: never half a corpus
        CACHE.mkdir(parents=True, exist_ok=True)
        if size >= 100_000:  # minutes of silence otherwise
            print(f"generating {size:,} paragraphs into {folder} …", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, str(MAKE_CORPUS), "--paragraphs", str(size),
                        "--out", str(tmp)], check=True, stdout=subprocess.DEVNULL)
        tmp.rename(folder)
    return folder


def make_queries(paras, n: int, seed: int = 7) -> dict[str, list[str]]:
    """Deterministic queries in the product's syntax, drawn from the corpus itself."""
    jieba = quiet_jieba()
    rng = random.Random(seed)
    bodies = [p.text for p in paras if len(p.text) >= 20] or [p.text for p in paras]
    sample = rng.sample(bodies, min(len(bodies), 2000))
    cut = [[w for w in jieba.lcut(t) if len(w) >= 2 and CJK.fullmatch(w)] for t in sample]
    counts = Counter(w for words in cut for w in words)
    frequent = [w for w, _ in counts.most_common(500)]
    common = {w for w, _ in counts.most_common(2000)}

    def draw(make):
        found: dict[str, None] = {}
        for _ in range(n * 50):
            q = make()
            if q:
                found[q] = None
            if len(found) == n:
                break
        return list(found)

    def two_words():
        words = list(dict.fromkeys(w for w in rng.choice(cut) if w in common))
        return " ".join(rng.sample(words, 2)) if len(words) >= 2 else None

    def phrase():
        runs = [r for r in CJK.findall(rng.choice(sample)) if len(r) >= 2]
        if not runs:
            return None
        run = rng.choice(runs)
        size = rng.randint(2, min(8, len(run)))
        start = rng.randrange(len(run) - size + 1)
        return f'"{run[start:start + size]}"'

    def one_char():
        chars = "".join(CJK.findall(rng.choice(sample)))
        return f'"{rng.choice(chars)}"' if chars else None

    return {"word": draw(lambda: rng.choice(frequent) if frequent else None),
            "two words": draw(two_words), "phrase": draw(phrase), "one char": draw(one_char)}

"""What an indexer run did: counts, the paths it could not use, and the sources it reads."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class IndexSummary:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0  # same content as indexed (an incremental run does not re-read them)
    kept: int = 0  # carried into a rebuild from the previous index: their files were not read
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why): type not read
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    missing: list[str] = field(default_factory=list)  # sources gone; documents kept unless pruned
    forgotten: list[str] = field(default_factory=list)  # missing sources pruned in this run
    sources: list[str] = field(default_factory=list)  # what the index reads, after this run
    documents: int = 0  # documents in the index after this run
    paragraphs: int = 0  # paragraph records written in this run
    bytes: int = 0  # size of the files (re)indexed in this run
    seconds: float = 0.0
    rebuilt: bool = False
    rebuild_reason: str = ""
    generation: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.rebuilt)

    @property
    def problems(self) -> list[tuple[str, str]]:
        """Every path that could not be read, with why: failed files and folders, gone sources."""
        gone = [(p, f"{p}: no longer exists; documents from it are kept until --prune")
                for p in self.missing]
        return self.failed + gone

    def line(self) -> str:
        rate = self.bytes / 1e6 / self.seconds if self.seconds else 0.0
        kept = f"{self.kept} kept, " if self.kept else ""
        return (
            f"{'rebuilt' if self.rebuilt else 'updated'}: {self.added} added, "
            f"{self.updated} updated, {self.removed} removed, {self.unchanged} unchanged, {kept}"
            f"{len(self.skipped)} skipped, {len(self.problems)} failed; "
            f"{self.documents} documents; {self.paragraphs} paragraphs written; "
            f"{self.seconds:.2f} s ({rate:.2f} MB/s)"
        )

    def as_dict(self) -> dict:
        def paths(pairs):
            return [{"path": p, "reason": r} for p, r in pairs]

        return {
            "added": self.added, "updated": self.updated, "removed": self.removed,
            "unchanged": self.unchanged, "kept": self.kept, "skipped": paths(self.skipped),
            "failed": paths(self.failed), "missing": self.missing, "forgotten": self.forgotten,
            "sources": self.sources, "documents": self.documents,
            "paragraphs": self.paragraphs, "bytes": self.bytes,
            "seconds": round(self.seconds, 3), "rebuilt": self.rebuilt,
            "rebuild_reason": self.rebuild_reason, "generation": self.generation,
        }

"""The product as a benchmark engine: its public API, answering with the same keys as the peers."""

from __future__ import annotations

from pathlib import Path

from report import PRODUCT


class Product:
    """The product through its public API, answering with the same keys as the peers."""

    name = PRODUCT

    def _settings(self, folder, workdir):
        from indexer.config import load_settings

        return load_settings(None).replace(index__path=str(workdir), index__folders=[str(folder)])

    def build(self, folder, workdir):
        from indexer.writer import index_reports

        index_reports(self._settings(folder, workdir), rebuild=True)

    def open(self, folder, workdir):
        from indexer.search import IndexReader

        self.settings = self._settings(folder, workdir)
        self.reader = IndexReader(self.settings)
        self._names()

    def _names(self):
        self.names = {d["doc_id"]: Path(d["path"]).name for d in self.reader.documents()}

    def _keys(self, page):
        return [f"{self.names[h.doc_id]}#{h.paragraph}" for h in page.results]

    def search(self, query, limit=10):
        return self._keys(self.reader.search(query, page=1, size=limit))

    def all_matches(self, phrase):
        # The library does not cap the page size (the API does): one page holds every match.
        first = self.reader.search(f'"{phrase}"', size=100)
        if first.total <= 100:
            return set(self._keys(first))
        return set(self._keys(self.reader.search(f'"{phrase}"', size=first.total)))

    def add_file(self, path):
        from indexer.writer import index_reports

        index_reports(self.settings, paths=[path])

    def refresh(self):
        if self.reader.refresh():
            self._names()

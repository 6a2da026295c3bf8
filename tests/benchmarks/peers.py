"""The peers the product is measured against, each built the way a user would build it.

Every peer indexes the same paragraphs (:mod:`paragraphs`) and answers with their keys. The
interface is small: ``build(paras, workdir)`` (a fresh index), ``open(workdir, paras)`` (the one a
build left behind, in another process), ``add(paras)`` (incremental, searchable on return),
``search(query, limit)`` (ranked keys) and ``all_matches(phrase)`` (every key, for recall).

Queries use the product's syntax: words separated by spaces are ANDed, ``"quoted"`` is an exact
phrase.

>>> parse_query('乡村振兴 "高质量发展"')
[('乡村振兴', False), ('高质量发展', True)]
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

_CLAUSE = re.compile(r'"([^"]*)"|(\S+)')


def parse_query(query: str) -> list[tuple[str, bool]]:
    """``[(text, is_phrase)]``: quoted parts are phrases, other words are single terms."""
    return [(q, True) if q else (w, False) for q, w in _CLAUSE.findall(query) if q or w]


def jieba_words(text: str) -> list[str]:
    """jieba's precise cut without punctuation and spaces (which no tokenizer keeps anyway).

    >>> jieba_words("高质量发展，乡村振兴。")
    ['高质量', '发展', '乡村', '振兴']
    """
    import jieba

    return [w for w in jieba.cut(text) if any(c.isalnum() for c in w)]


class Substring:
    """Plain ``in`` over every text: the ground truth for phrases.

    Words: all must occur as substrings; ranked by how often they occur (ties in file order).
    """

    name = "substring"

    def build(self, paras, workdir):
        self.paras = list(paras)

    def open(self, workdir, paras):
        self.paras = list(paras)

    def add(self, paras):
        self.paras.extend(paras)

    def search(self, query, limit=10):
        needles = [t for t, _ in parse_query(query)]
        if not needles:
            return []
        scored = []
        for i, p in enumerate(self.paras):
            if all(n in p.text for n in needles):
                scored.append((-sum(p.text.count(n) for n in needles), i, p.key))
        return [key for *_, key in sorted(scored)[:limit]]

    def all_matches(self, phrase):
        return {p.key for p in self.paras if phrase in p.text}


class TextbookWhoosh:
    """Whoosh with jieba's own ``ChineseAnalyzer``, as jieba's README shows it.

    Schema: key (ID, stored), text (TEXT with ChineseAnalyzer); ``QueryParser`` over text (AND
    group); a quoted phrase becomes Whoosh's Phrase query. The analyzer cuts in jieba's search
    mode (overlapping sub-words) and sets ``pos`` to a character offset, so multi-word phrases
    rarely line up: that is the textbook behaviour being measured.
    """

    name = "whoosh"

    def build(self, paras, workdir):
        from jieba.analyse import ChineseAnalyzer
        from whoosh import fields, index

        schema = fields.Schema(key=fields.ID(stored=True, unique=True),
                               text=fields.TEXT(analyzer=ChineseAnalyzer()))
        self.ix = index.create_in(str(workdir), schema)
        writer = self.ix.writer()
        for p in paras:
            writer.add_document(key=p.key, text=p.text)
        writer.commit()
        self._reopen()

    def open(self, workdir, paras):
        from whoosh import index

        self.ix = index.open_dir(str(workdir))
        self._reopen()

    def _reopen(self):
        from whoosh.qparser import QueryParser

        self.searcher = self.ix.searcher()
        self.parser = QueryParser("text", self.ix.schema)

    def add(self, paras):
        writer = self.ix.writer()
        for p in paras:
            writer.add_document(key=p.key, text=p.text)
        writer.commit()
        self.searcher = self.searcher.refresh()

    def search(self, query, limit=10):
        hits = self.searcher.search(self.parser.parse(query), limit=limit)
        return [h["key"] for h in hits]

    def all_matches(self, phrase):
        hits = self.searcher.search(self.parser.parse(f'"{phrase}"'), limit=None)
        return {h["key"] for h in hits}


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class _Sqlite:
    """One FTS5 table ``para(key UNINDEXED, text)``; subclasses decide what goes in and the query."""

    tokenize = ""

    def build(self, paras, workdir):
        self.db = sqlite3.connect(Path(workdir) / "fts.sqlite3")
        self.db.execute(f"CREATE VIRTUAL TABLE para USING fts5(key UNINDEXED, text{self.tokenize})")
        self.add(paras)

    def open(self, workdir, paras):
        self.db = sqlite3.connect(Path(workdir) / "fts.sqlite3")

    def add(self, paras):
        with self.db:
            self.db.executemany("INSERT INTO para(key, text) VALUES (?, ?)",
                                ((p.key, self.stored(p.text)) for p in paras))

    def stored(self, text):
        return text

    def search(self, query, limit=10):
        """The FTS5 query ``self._match`` makes of ``query``, in bm25 order."""
        match = self._match(query)
        if not match:
            return []
        return self._keys("SELECT key FROM para WHERE para MATCH ? ORDER BY bm25(para) LIMIT ?",
                          (match, limit))

    def _keys(self, sql, args):
        return [key for (key,) in self.db.execute(sql, args)]


class FtsJieba(_Sqlite):
    """SQLite FTS5 (unicode61 tokenizer) over space-joined ``jieba.cut`` words, bm25 order.

    Precise mode, not ``cut_for_search``: search mode interleaves overlapping sub-words
    (中华 华人 人民 … 中华人民共和国), so no FTS5 phrase of consecutive words could match. The
    price: a word query finds only paragraphs where jieba cut the same word (质量 misses 高质量).
    Query words are cut the same way and ANDed; a quoted phrase is the FTS5 phrase of its words.
    """

    name = "fts5-jieba"

    def stored(self, text):
        return " ".join(jieba_words(text))

    def _match(self, query):
        parts = []
        for text, phrase in parse_query(query):
            words = jieba_words(text)
            if not words:
                continue
            parts += [_fts_string(" ".join(words))] if phrase else map(_fts_string, words)
        return " AND ".join(parts)

    def all_matches(self, phrase):
        match = self._match(f'"{phrase}"')
        return set(self._keys("SELECT key FROM para WHERE para MATCH ?", (match,))) if match else set()


def search_words(text: str) -> list[str]:
    """jieba's search mode (``cut_for_search``: 中华人民共和国 and 中华, 人民, 共和国 ...),
    without punctuation and spaces."""
    import jieba

    return [w for w in jieba.cut_for_search(text) if any(c.isalnum() for c in w)]


class FtsJiebaOr(_Sqlite):
    """SQLite FTS5 over ``cut_for_search`` words, a query being the OR of its own search-mode
    words, bm25 order: the strongest simple baseline on judged sets (a paragraph holding most
    of the words ranks, and sub-words find compounds written differently). A quoted phrase is
    the AND of its words (search-mode words do not stand at consecutive positions).
    """

    name = "fts5-jieba-or"

    def stored(self, text):
        return " ".join(search_words(text))

    def _match(self, query, join=" OR "):
        words = [w for text, _ in parse_query(query) for w in search_words(text)]
        return join.join(map(_fts_string, dict.fromkeys(words)))

    def all_matches(self, phrase):
        match = self._match(f'"{phrase}"', " AND ")
        return set(self._keys("SELECT key FROM para WHERE para MATCH ?", (match,))) if match else set()


class FtsTrigram(_Sqlite):
    """SQLite FTS5 with ``tokenize='trigram'`` over the raw text, bm25 order.

    A term of three or more characters is an FTS5 phrase (a substring match through the index).
    Shorter terms cannot use the trigram index, so, as a user would, they fall back to LIKE, a
    scan of the stored text; a query made only of such terms has no bm25 score and comes back in
    insertion order. It is ``+text LIKE``: SQLite 3.40 hands a plain ``text LIKE '%镇%'`` to the
    trigram index, which then matches nothing at all for a pattern under three characters.
    """

    name = "fts5-trigram"
    tokenize = ", tokenize='trigram'"

    def _where(self, query):
        long_, short = [], []
        for text, _ in parse_query(query):
            (long_ if len(text) >= 3 else short).append(text)
        where, args = [], []
        if long_:
            where.append("para MATCH ?")
            args.append(" AND ".join(map(_fts_string, long_)))
        for text in short:
            where.append("+text LIKE ?")
            args.append("%" + text.replace("%", "").replace("_", "") + "%")
        return " AND ".join(where), args, bool(long_)

    def search(self, query, limit=10):
        where, args, ranked = self._where(query)
        if not where:
            return []
        order = "bm25(para)" if ranked else "rowid"
        return self._keys(f"SELECT key FROM para WHERE {where} ORDER BY {order} LIMIT ?",
                          (*args, limit))

    def all_matches(self, phrase):
        where, args, _ = self._where(f'"{phrase}"')
        return set(self._keys(f"SELECT key FROM para WHERE {where}", args)) if where else set()


class Tantivy:
    """tantivy (Rust, via the ``tantivy`` package) over space-joined jieba words: the speed ceiling.

    Same words as :class:`FtsJieba` (precise cut), the built-in ``whitespace`` tokenizer, BM25;
    words are ANDed term queries, a quoted phrase is a phrase query of its words.
    """

    name = "tantivy"

    def build(self, paras, workdir):
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("key", stored=True, tokenizer_name="raw")
        builder.add_text_field("text", stored=False, tokenizer_name="whitespace")
        self.schema = builder.build()
        self.ix = tantivy.Index(self.schema, path=str(workdir))
        self.writer = self.ix.writer()
        self.add(paras)

    def open(self, workdir, paras):
        import tantivy

        self.ix = tantivy.Index.open(str(workdir))
        self.schema = self.ix.schema
        self.writer = None
        self.searcher = self.ix.searcher()

    def add(self, paras):
        import tantivy

        if self.writer is None:
            self.writer = self.ix.writer()
        for p in paras:
            self.writer.add_document(tantivy.Document(key=p.key, text=" ".join(jieba_words(p.text))))
        self.writer.commit()
        self.writer.wait_merging_threads()
        self.writer = None  # waiting ends the writer; the next add makes a new one
        self.ix.reload()
        self.searcher = self.ix.searcher()

    def _query(self, query):
        import tantivy

        parts = []
        for text, phrase in parse_query(query):
            words = jieba_words(text)
            if phrase and len(words) > 1:
                parts.append(tantivy.Query.phrase_query(self.schema, "text", words))
            else:
                parts += [tantivy.Query.term_query(self.schema, "text", w) for w in words]
        if not parts:
            return None
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in parts])

    def _run(self, query, limit):
        if query is None:
            return []
        hits = self.searcher.search(query, limit).hits
        return [self.searcher.doc(address)["key"][0] for _, address in hits]

    def search(self, query, limit=10):
        return self._run(self._query(query), limit)

    def all_matches(self, phrase):
        return set(self._run(self._query(f'"{phrase}"'), max(1, self.searcher.num_docs)))


PEERS = {cls.name: cls for cls in (TextbookWhoosh, FtsJieba, FtsJiebaOr, FtsTrigram, Substring,
                                    Tantivy)}

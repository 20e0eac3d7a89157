"""The SQLite catalog: articles, their committed chunks, and the lexical (FTS5) index.

The catalog is the source of truth for what the index holds. Chroma keeps the vectors, but a
vector whose chunk is not committed here is invisible, so a crash mid-article never shows half
an article; leftovers are swept by `Catalog.garbage` on the next write.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from index import facts
from index.models import Article, Chunk, int_to_date

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL, content_hash TEXT NOT NULL,
    outlet TEXT, url TEXT, author TEXT, published_at TEXT, published_int INTEGER, source TEXT,
    extra TEXT NOT NULL DEFAULT '{}', ingested_at TEXT NOT NULL, chunk_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_outlet ON articles(outlet);
CREATE INDEX IF NOT EXISTS articles_date ON articles(published_int);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, article_id TEXT NOT NULL,
    idx INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks(article_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    title, body, tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS garbage (chunk_id TEXT PRIMARY KEY);
"""

PROVENANCE = ("title_source", "published_at_source", "published_at_evidence")
"""Where an article's title and date came from (metadata or the text), as `qa list` shows."""

_ARTICLE_COLUMNS = (
    "id, title, text, content_hash, outlet, url, author, published_at, source, extra, "
    "ingested_at, chunk_count"
)


@dataclass(frozen=True)
class StoredArticle:
    """An article as the catalog holds it, with its ingest time and chunk count."""

    article: Article
    ingested_at: str
    chunk_count: int


@dataclass(frozen=True)
class Filters:
    """Which articles a search may return."""

    outlets: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = ()
    since: int | None = None
    until: int | None = None
    # A date range from the question's words: an article qualifies when published in it or
    # when one of its sentences states a date in it (YYYYMMDD ints, either end open).
    dated: tuple[int | None, int | None] | None = None

    def sql(self, alias: str = "a") -> tuple[str, list[object]]:
        """A WHERE fragment (starting with AND) and its parameters."""
        parts: list[str] = []
        params: list[object] = []
        if self.outlets:
            parts.append(f"lower({alias}.outlet) IN ({','.join('?' * len(self.outlets))})")
            params += [o.lower() for o in self.outlets]
        if self.article_ids:
            parts.append(f"{alias}.id IN ({','.join('?' * len(self.article_ids))})")
            params += list(self.article_ids)
        if self.since is not None:
            parts.append(f"{alias}.published_int >= ?")
            params.append(self.since)
        if self.until is not None:
            parts.append(f"{alias}.published_int <= ?")
            params.append(self.until)
        if self.dated is not None:
            low, high = self.dated[0] or 0, self.dated[1] or 99991231
            parts.append(
                f"({alias}.published_int BETWEEN ? AND ? OR EXISTS (SELECT 1 FROM event_dates d "
                f"WHERE d.article_id = {alias}.id AND d.date_from >= ? AND d.date_to <= ?))"
            )
            params += [low, high, low, high]
        return "".join(f" AND {p}" for p in parts), params


@dataclass(frozen=True)
class ChunkHit:
    """A committed chunk with its article, as search results need it."""

    chunk_id: str
    article_id: str
    index: int
    start: int
    end: int
    text: str
    score: float = 0.0


_READER_SCHEMA = """
CREATE VIRTUAL TABLE temp.chunks_vocab USING fts5vocab(main, chunks_fts, 'row');
CREATE VIRTUAL TABLE temp.query_words USING fts5(
    w, tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE temp.query_words_vocab USING fts5vocab(temp, query_words, 'instance');
"""


class Catalog:
    """Articles, chunks and the FTS5 index in one SQLite file.

    Writes go through `db` under a lock; searches and lookups use `reader`, one connection per
    thread, so a search running beside an ingest sees only committed articles (WAL snapshots).
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        self.db.executescript(facts.SCHEMA)
        self.identity = _file_identity(path)
        self._write_lock = threading.RLock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()

    @property
    def reader(self) -> sqlite3.Connection:
        """This thread's read connection (sees committed data only)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            db.executescript(_READER_SCHEMA)
            self._local.db = db
            with self._readers_lock:
                self._readers.append(db)
        return db

    def close(self) -> None:
        """Close the database and every reader."""
        with self._readers_lock:
            for db in self._readers:
                db.close()
            self._readers.clear()
        self._local = threading.local()
        self.db.close()

    def moved(self) -> bool:
        """Whether the file at `path` is no longer the one opened (`qa reindex` replaced it)."""
        return _file_identity(self.path) != self.identity

    def checkpoint(self, wait: float = 30.0) -> bool:
        """Copy the whole write-ahead log into the file and empty it; False if readers kept it
        busy for `wait` seconds."""
        deadline = time.monotonic() + wait
        while True:
            busy, _, _ = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)

    # --- metadata -------------------------------------------------------------------------
    def get_meta(self) -> dict[str, str]:
        """Everything recorded about the index: how it was built, its collection, its commits."""
        return dict(self.db.execute("SELECT key, value FROM meta").fetchall())

    def set_meta(self, values: dict[str, str]) -> None:
        """Record how the index is built."""
        with self.transaction():
            self.db.executemany("REPLACE INTO meta VALUES (?, ?)", list(values.items()))

    def commit_count(self) -> int:
        """How many writes were ever committed (other processes' included); read fresh."""
        row = self.reader.execute("SELECT value FROM meta WHERE key = 'commits'").fetchone()
        return int(row[0]) if row else 0

    def bump_commits(self) -> int:
        """Count one more committed write. Call inside a transaction."""
        self.db.execute(
            "INSERT INTO meta VALUES ('commits', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )
        return int(self.db.execute("SELECT value FROM meta WHERE key = 'commits'").fetchone()[0])

    def transaction(self) -> _Transaction:
        """A write transaction: all of it commits, or none of it (one writer at a time)."""
        return _Transaction(self.db, self._write_lock)

    # --- articles -------------------------------------------------------------------------
    def content_hashes(self, ids: Sequence[str] | None = None) -> dict[str, str]:
        """The committed content hash of each known id (of every article when `ids` is None)."""
        if ids is None:
            return dict(self.reader.execute("SELECT id, content_hash FROM articles").fetchall())
        found: dict[str, str] = {}
        for batch in _batches(list(ids), 500):
            marks = ",".join("?" * len(batch))
            sql = f"SELECT id, content_hash FROM articles WHERE id IN ({marks})"
            found.update(self.reader.execute(sql, batch).fetchall())
        return found

    def existing_chunk_ids(self, chunk_ids: Sequence[str]) -> set[str]:
        """The ids among `chunk_ids` that have a committed chunk row."""
        found: set[str] = set()
        for batch in _batches(list(chunk_ids), 500):
            marks = ",".join("?" * len(batch))
            rows = self.reader.execute(f"SELECT id FROM chunks WHERE id IN ({marks})", batch)
            found.update(r[0] for r in rows)
        return found

    def chunk_ids_of(self, article_id: str) -> list[str]:
        """The committed chunk ids of an article."""
        rows = self.db.execute("SELECT id FROM chunks WHERE article_id = ?", (article_id,))
        return [r[0] for r in rows]

    def replace_article(self, article: Article, chunks: Sequence[Chunk], ingested_at: str) -> None:
        """Swap in an article and its chunks; old chunk ids go to the garbage list. Call inside a
        transaction."""
        old = self.chunk_ids_of(article.id)
        self._delete_rows(article.id)
        self.db.executemany("INSERT OR IGNORE INTO garbage VALUES (?)", [(c,) for c in old])
        self.db.execute(
            f"INSERT INTO articles ({_ARTICLE_COLUMNS}, published_int) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                article.id,
                article.title,
                article.text,
                article.content_hash,
                article.outlet,
                article.url,
                article.author,
                article.published_at,
                article.source,
                json.dumps(article.extra),
                ingested_at,
                len(chunks),
                article.published_int,
            ),
        )
        for chunk in chunks:
            cur = self.db.execute(
                'INSERT INTO chunks (id, article_id, idx, start, "end") VALUES (?,?,?,?,?)',
                (chunk.id, chunk.article_id, chunk.index, chunk.start, chunk.end),
            )
            self.db.execute(
                "INSERT INTO chunks_fts (rowid, title, body) VALUES (?,?,?)",
                (cur.lastrowid, article.title, chunk.text),
            )
        new_ids = [c.id for c in chunks]
        for batch in _batches(new_ids, 500):
            self.db.execute(
                f"DELETE FROM garbage WHERE chunk_id IN ({','.join('?' * len(batch))})", batch
            )

    def delete_article(self, article_id: str) -> bool:
        """Remove an article; its chunk ids go to the garbage list. Call inside a transaction."""
        old = self.chunk_ids_of(article_id)
        self.db.executemany("INSERT OR IGNORE INTO garbage VALUES (?)", [(c,) for c in old])
        return self._delete_rows(article_id)

    def _delete_rows(self, article_id: str) -> bool:
        rowids = [
            r[0]
            for r in self.db.execute("SELECT rowid FROM chunks WHERE article_id = ?", (article_id,))
        ]
        self.db.executemany("DELETE FROM chunks_fts WHERE rowid = ?", [(r,) for r in rowids])
        self.db.execute("DELETE FROM chunks WHERE article_id = ?", (article_id,))
        facts.delete(self.db, article_id)
        return self.db.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount > 0

    def garbage(self) -> list[str]:
        """Chunk ids whose vectors may still sit in the vector store."""
        return [r[0] for r in self.db.execute("SELECT chunk_id FROM garbage")]

    def clear_garbage(self, chunk_ids: Iterable[str]) -> None:
        """Forget garbage that the vector store no longer holds."""
        with self.transaction():
            self.db.executemany("DELETE FROM garbage WHERE chunk_id = ?", [(c,) for c in chunk_ids])

    def get(self, article_id: str) -> StoredArticle | None:
        """One stored article, or None."""
        row = self.reader.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return _stored(row) if row else None

    def find_ids(self, prefix: str) -> list[str]:
        """Ids that start with `prefix`, compared literally (so users can type a short id; `_`
        and `%` are characters, not patterns)."""
        if not prefix:
            return []
        rows = self.reader.execute(
            "SELECT id FROM articles WHERE substr(id, 1, ?) = ?", (len(prefix), prefix)
        )
        return [r[0] for r in rows]

    def list_articles(self, filters: Filters | None = None) -> list[dict[str, object]]:
        """Id, title, outlet, url, date and chunk count of each article, newest first, with
        where an inferred title or date came from."""
        where, params = (filters or Filters()).sql()
        rows = self.reader.execute(
            "SELECT id, title, outlet, url, published_at, chunk_count, extra FROM articles a "
            f"WHERE 1=1{where} ORDER BY published_int DESC, title",
            params,
        )
        keys = ("id", "title", "outlet", "url", "published_at", "chunks")
        listed = []
        for row in rows:
            item: dict[str, object] = dict(zip(keys, row[:-1], strict=True))
            extra = json.loads(row[-1] or "{}")
            item.update({k: extra[k] for k in PROVENANCE if k in extra})
            listed.append(item)
        return listed

    def counts(self) -> tuple[int, int]:
        """(articles, chunks) held."""
        row = self.reader.execute(
            "SELECT count(*), coalesce(sum(chunk_count), 0) FROM articles"
        ).fetchone()
        return row[0], row[1]

    def iter_articles(self) -> Iterable[Article]:
        """Every stored article (for re-embedding)."""
        for row in self.db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY id"):
            yield _stored(row).article

    # --- search support -------------------------------------------------------------------
    def lexical_search(
        self,
        query: str,
        limit: int,
        filters: Filters,
        title_weight: float = 2.0,
        max_df: float = 1.0,
    ) -> list[ChunkHit]:
        """BM25 over committed chunks, filtered like dense search.

        Words found in more than `max_df` of the chunks are dropped (the rarest are kept if all
        are that common): they add little to BM25 but make SQLite score most of the corpus.
        """
        words = self._selective_words(query_words(query), max_df)
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        where, params = filters.sql()
        rank = f"bm25(chunks_fts, {float(title_weight)}, 1.0)"
        if where:
            sql = (
                f"SELECT f.rowid, {rank} AS r FROM chunks_fts f JOIN chunks c ON c.rowid = f.rowid "
                f"JOIN articles a ON a.id = c.article_id WHERE chunks_fts MATCH ?{where} "
                "ORDER BY r LIMIT ?"
            )
        else:  # ranking inside FTS5 alone, then joining the few winners, is cheaper
            sql = (
                f"SELECT rowid, {rank} AS r FROM chunks_fts WHERE chunks_fts MATCH ? "
                "ORDER BY r LIMIT ?"
            )
        db = self.reader
        ranked = db.execute(sql, [match, *params, limit]).fetchall()
        if not ranked:
            return []
        rows = db.execute(
            'SELECT c.rowid, c.id, c.article_id, c.idx, c.start, c."end", f.body FROM chunks c '
            "JOIN chunks_fts f ON f.rowid = c.rowid "
            f"WHERE c.rowid IN ({','.join('?' * len(ranked))})",
            [r for r, _ in ranked],
        )
        by_rowid = {row[0]: row[1:] for row in rows}
        return [ChunkHit(*by_rowid[r], score=-s) for r, s in ranked if r in by_rowid]

    def _selective_words(self, words: list[str], max_df: float) -> list[str]:
        """The words whose stem occurs in at most `max_df` of the chunks (else the 2 rarest)."""
        if max_df >= 1.0 or not words:
            return words
        db = self.reader
        total = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
        # Stem each word with the same tokenizer: one row per word in a scratch FTS5 table.
        db.execute("DELETE FROM temp.query_words")
        db.executemany(
            "INSERT INTO temp.query_words (rowid, w) VALUES (?, ?)", list(enumerate(words))
        )
        stems = dict(db.execute("SELECT doc, term FROM temp.query_words_vocab"))
        unique = sorted(set(stems.values()))
        df = dict(
            db.execute(
                "SELECT term, doc FROM temp.chunks_vocab "
                f"WHERE term IN ({','.join('?' * len(unique))})",
                unique,
            )
        )
        freq = {w: df.get(stems.get(i, ""), 0) for i, w in enumerate(words)}
        kept = [w for w in words if freq[w] <= max_df * total]
        return kept or sorted(words, key=lambda w: freq[w])[:2]

    def committed_chunks(self, chunk_ids: Sequence[str], filters: Filters) -> dict[str, ChunkHit]:
        """The committed chunks among `chunk_ids` that pass the filters."""
        if not chunk_ids:
            return {}
        where, params = filters.sql()
        rows = self.reader.execute(
            'SELECT c.id, c.article_id, c.idx, c.start, c."end", f.body FROM chunks c '
            "JOIN chunks_fts f ON f.rowid = c.rowid JOIN articles a ON a.id = c.article_id "
            f"WHERE c.id IN ({','.join('?' * len(chunk_ids))}){where}",
            [*chunk_ids, *params],
        )
        return {row[0]: ChunkHit(*row) for row in rows}

    def published_days(self, ids: Iterable[str]) -> dict[str, int]:
        """Publication dates (YYYYMMDD) of the dated articles among `ids`."""
        ids = list(set(ids))
        if not ids:
            return {}
        rows = self.reader.execute(
            "SELECT id, published_int FROM articles WHERE published_int IS NOT NULL AND id IN "
            f"({','.join('?' * len(ids))})",
            ids,
        )
        return dict(rows.fetchall())

    def newest_date(self) -> date | None:
        """The newest publication date in the index."""
        row = self.reader.execute("SELECT max(published_int) FROM articles").fetchone()
        return int_to_date(row[0]) if row and row[0] else None

    def articles_by_id(self, ids: Iterable[str]) -> dict[str, Article]:
        """Stored articles by id."""
        ids = list(set(ids))
        if not ids:
            return {}
        rows = self.reader.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id IN ({','.join('?' * len(ids))})",
            ids,
        )
        return {row[0]: _stored(row).article for row in rows}


class _Transaction:
    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self.db = db
        self.lock = lock

    def __enter__(self) -> sqlite3.Connection:
        self.lock.acquire()
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.lock.release()
            raise
        return self.db

    def __exit__(self, exc_type: object, *_: object) -> None:
        try:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.lock.release()


def query_words(text: str) -> list[str]:
    """The searchable words of a question, once each (later quoted, so never FTS syntax)."""
    words = re.findall(r"\w+", text.lower())
    return [w for w in dict.fromkeys(words) if w not in _STOPWORDS and (len(w) > 1 or w.isdigit())]


def _stored(row: Sequence[object]) -> StoredArticle:
    (
        id_,
        title,
        text,
        chash,
        outlet,
        url,
        author,
        published_at,
        source,
        extra,
        ingested_at,
        chunk_count,
    ) = row
    article = Article(
        id=id_,
        title=title,
        text=text,
        content_hash=chash,
        outlet=outlet,
        url=url,
        author=author,
        published_at=published_at,
        source=source,
        extra=json.loads(extra or "{}"),
    )
    return StoredArticle(article=article, ingested_at=ingested_at, chunk_count=chunk_count)


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _batches(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


_STOPWORDS = frozenset(
    (
        "a an the and or but if of at by for with about against between into through during "
        "before after above below to from up down in out on off over under again further then "
        "once here there when where why how all any both each few more most other some such no "
        "nor not only own same so than too very can will just should now is are was were be "
        "been being have has had having do does did doing i me my we our you your he him his "
        "she her it its they them their what which who whom this that these those am would "
        "could also say said says tell told "
    ).split()
)

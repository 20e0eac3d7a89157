"""Catalog tables of what the parse found: quotes and speakers, event dates, names.

They belong to the article like its chunks: written in the same transaction, deleted with it,
and read by joining on article ids and offsets at search time (never copied into Chroma).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from index.names import fold
from index.parse import ArticleParse

SCHEMA = """
CREATE TABLE IF NOT EXISTS quotes (
    rowid INTEGER PRIMARY KEY, article_id TEXT NOT NULL, idx INTEGER NOT NULL,
    speaker TEXT NOT NULL, speaker_key TEXT NOT NULL, named INTEGER NOT NULL,
    direct INTEGER NOT NULL, quote TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    sentence_start INTEGER NOT NULL, sentence_end INTEGER NOT NULL, cue TEXT NOT NULL,
    UNIQUE (article_id, idx)
);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(speaker_key);
CREATE VIRTUAL TABLE IF NOT EXISTS quotes_fts USING fts5(
    quote, sentence, tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS event_dates (
    article_id TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    date_from INTEGER NOT NULL, date_to INTEGER NOT NULL,
    sentence_start INTEGER NOT NULL, sentence_end INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS event_dates_article ON event_dates(article_id);
CREATE INDEX IF NOT EXISTS event_dates_range ON event_dates(date_from, date_to);
CREATE TABLE IF NOT EXISTS entities (
    article_id TEXT NOT NULL, name TEXT NOT NULL, label TEXT NOT NULL,
    PRIMARY KEY (article_id, name, label)
);
CREATE INDEX IF NOT EXISTS entities_name ON entities(name);
CREATE TABLE IF NOT EXISTS parses (article_id TEXT PRIMARY KEY, version TEXT NOT NULL);
"""


@dataclass(frozen=True)
class StoredQuote:
    """A quote as the catalog holds it, with its article's date."""

    article_id: str
    speaker: str
    named: bool
    quote: str
    direct: bool
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    published_at: str | None = None
    cue: str = ""

    def to_json(self) -> dict[str, object]:
        """The `qa quotes --json` object."""
        return {
            "speaker": self.speaker,
            "named": self.named,
            "quote": self.quote,
            "direct": self.direct,
            "article_id": self.article_id,
            "start": self.start,
            "end": self.end,
            "published_at": self.published_at,
        }


def replace(db: sqlite3.Connection, article_id: str, text: str, parse: ArticleParse) -> None:
    """Store one article's parse in place of the old one. Call inside a transaction."""
    delete(db, article_id)
    for idx, q in enumerate(parse.quotes):
        cur = db.execute(
            "INSERT INTO quotes (article_id, idx, speaker, speaker_key, named, direct, quote, "
            'start, "end", sentence_start, sentence_end, cue) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)',
            (
                article_id,
                idx,
                q.speaker,
                fold(q.speaker),
                int(q.named),
                int(q.direct),
                q.quote,
                q.start,
                q.end,
                q.sentence_start,
                q.sentence_end,
                q.cue,
            ),
        )
        sentence = text[q.sentence_start : q.sentence_end]
        db.execute(
            "INSERT INTO quotes_fts (rowid, quote, sentence) VALUES (?,?,?)",
            (cur.lastrowid, q.quote, sentence),
        )
    db.executemany(
        'INSERT INTO event_dates (article_id, start, "end", date_from, date_to, sentence_start, '
        "sentence_end) VALUES (?,?,?,?,?,?,?)",
        [
            (
                article_id,
                d.start,
                d.end,
                _int(d.date_from),
                _int(d.date_to),
                d.sentence_start,
                d.sentence_end,
            )
            for d in parse.dates
        ],
    )
    db.executemany(
        "INSERT OR IGNORE INTO entities (article_id, name, label) VALUES (?,?,?)",
        [(article_id, name, label) for name, label in parse.entities if name.strip()],
    )
    db.execute(
        "INSERT INTO parses (article_id, version) VALUES (?, ?)", (article_id, parse.version)
    )


def delete(db: sqlite3.Connection, article_id: str) -> None:
    """Remove one article's parse. Call inside a transaction."""
    rowids = [
        r[0] for r in db.execute("SELECT rowid FROM quotes WHERE article_id = ?", (article_id,))
    ]
    db.executemany("DELETE FROM quotes_fts WHERE rowid = ?", [(r,) for r in rowids])
    for table in ("quotes", "event_dates", "entities", "parses"):
        db.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))


def stale(db: sqlite3.Connection, version: str) -> list[str]:
    """Ids of articles whose parse is missing or was made by another extractor version."""
    rows = db.execute(
        "SELECT a.id FROM articles a LEFT JOIN parses p ON p.article_id = a.id "
        "WHERE p.version IS NULL OR p.version != ? ORDER BY a.id",
        (version,),
    )
    return [r[0] for r in rows]


def quotes_of(db: sqlite3.Connection, article_ids: Iterable[str]) -> dict[str, list[StoredQuote]]:
    """Every stored quote of these articles, by article, in text order."""
    ids = sorted(set(article_ids))
    found: dict[str, list[StoredQuote]] = {}
    for batch in _batches(ids, 500):
        rows = db.execute(
            'SELECT q.article_id, q.speaker, q.named, q.quote, q.direct, q.start, q."end", '
            "q.sentence_start, q.sentence_end, a.published_at, q.cue FROM quotes q "
            f"JOIN articles a ON a.id = q.article_id WHERE q.article_id IN "
            f"({','.join('?' * len(batch))}) ORDER BY q.article_id, q.start",
            batch,
        )
        for row in rows:
            found.setdefault(row[0], []).append(_quote(row))
    return found


def speaker_keys(db: sqlite3.Connection) -> list[str]:
    """Every distinct speaker name (folded), for matching names typed in lower case."""
    return [r[0] for r in db.execute("SELECT DISTINCT speaker_key FROM quotes")]


_MAX_OFFSET = 2**62  # past any real listing; SQLite integers are 64-bit


def search_quotes(
    db: sqlite3.Connection,
    *,
    speaker_words: Sequence[str] = (),
    about: str | None = None,
    article_ids: Sequence[str] = (),
    since: int | None = None,
    until: int | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> list[StoredQuote]:
    """Quotes by a speaker (every word of the name a whole word of theirs), about a topic (an
    FTS5 match on the quote and its sentence), newest first, unknown dates last; `offset` skips
    that many (the next page)."""
    where, params = ["1=1"], []
    for word in speaker_words:
        where.append("(' ' || q.speaker_key || ' ') LIKE ? ESCAPE '\\'")
        params.append("% " + _like(fold(word)) + " %")
    if article_ids:
        where.append(f"q.article_id IN ({','.join('?' * len(article_ids))})")
        params += list(article_ids)
    if since is not None:
        where.append("a.published_int >= ?")
        params.append(since)
    if until is not None:
        where.append("a.published_int <= ?")
        params.append(until)
    join = ""
    if about and about.strip():
        join = "JOIN quotes_fts ON quotes_fts.rowid = q.rowid"
        where.append("quotes_fts MATCH ?")
        params.append(" OR ".join(f'"{w}"' for w in _words(about)) or '""')
    rows = db.execute(
        'SELECT q.article_id, q.speaker, q.named, q.quote, q.direct, q.start, q."end", '
        "q.sentence_start, q.sentence_end, a.published_at, q.cue FROM quotes q "
        f"JOIN articles a ON a.id = q.article_id {join} WHERE {' AND '.join(where)} "
        "ORDER BY a.published_int IS NULL, a.published_int DESC, q.article_id, q.start "
        "LIMIT ? OFFSET ?",
        [*params, limit, min(offset, _MAX_OFFSET)],
    )
    return [_quote(row) for row in rows]


def dated_sentences(
    db: sqlite3.Connection, date_from: int, date_to: int, article_ids: Iterable[str] = ()
) -> list[tuple[str, int, int, int, int]]:
    """(article id, sentence start, end, date from, date to) of sentences whose explicit date
    falls in the range (a year does not fall in one of its months)."""
    ids = list(article_ids)
    where = "date_from >= ? AND date_to <= ?"
    params: list[object] = [date_from, date_to]
    if ids:
        where += f" AND article_id IN ({','.join('?' * len(ids))})"
        params += ids
    rows = db.execute(
        f"SELECT article_id, sentence_start, sentence_end, date_from, date_to FROM event_dates "
        f"WHERE {where} ORDER BY article_id, sentence_start",
        params,
    )
    return [tuple(r) for r in rows]


def entities_of(
    db: sqlite3.Connection, article_ids: Iterable[str]
) -> dict[str, list[tuple[str, str]]]:
    """(name, label) pairs the parse found in each article."""
    ids = sorted(set(article_ids))
    found: dict[str, list[tuple[str, str]]] = {}
    for batch in _batches(ids, 500):
        rows = db.execute(
            "SELECT article_id, name, label FROM entities WHERE article_id IN "
            f"({','.join('?' * len(batch))})",
            batch,
        )
        for article_id, name, label in rows:
            found.setdefault(article_id, []).append((name, label))
    return found


def _quote(row: Sequence[object]) -> StoredQuote:
    article_id, speaker, named, quote, direct, start, end, s_start, s_end, published, cue = row
    return StoredQuote(
        str(article_id),
        str(speaker),
        bool(named),
        str(quote),
        bool(direct),
        int(start),  # type: ignore[arg-type]
        int(end),  # type: ignore[arg-type]
        int(s_start),  # type: ignore[arg-type]
        int(s_end),  # type: ignore[arg-type]
        published,  # type: ignore[arg-type]
        str(cue),
    )


def _int(iso: str) -> int:
    return int(iso.replace("-", ""))


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _words(text: str) -> list[str]:
    import re

    return [w for w in re.findall(r"\w+", text.lower()) if len(w) > 1 or w.isdigit()]


def _batches(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def speaker_chunks(
    db: sqlite3.Connection,
    speaker_words: Sequence[str],
    topic: str,
    where: str,
    params: Sequence[object],
    limit: int,
) -> list[tuple[str, str, int, int, int, str]]:
    """Chunks holding the words of a speaker, best first: quotes matching the topic (BM25 over
    the quote and its sentence), else direct quotes before reported ones, newest first.
    `where`/`params` filter the articles (alias `a`). Rows: (chunk id, article id, idx, start,
    end, text)."""
    conditions, args = [], []
    for word in speaker_words:
        conditions.append("(' ' || q.speaker_key || ' ') LIKE ? ESCAPE '\\'")
        args.append("% " + _like(fold(word)) + " %")
    if not conditions:
        return []
    from index.catalog import query_words

    words = query_words(topic)  # "each other" asks for no topic
    join, order = "", "q.direct DESC, a.published_int DESC"
    if words:
        join = "JOIN quotes_fts ON quotes_fts.rowid = q.rowid"
        conditions.append("quotes_fts MATCH ?")
        args.append(" OR ".join(f'"{w}"' for w in words))
        order = f"bm25(quotes_fts), {order}"
    rows = db.execute(
        'SELECT c.id, c.article_id, c.idx, c.start, c."end", f.body FROM quotes q '
        'JOIN chunks c ON c.article_id = q.article_id AND c.start <= q.start AND q.start < c."end" '
        f"JOIN chunks_fts f ON f.rowid = c.rowid JOIN articles a ON a.id = q.article_id {join} "
        f"WHERE {' AND '.join(conditions)}{where} ORDER BY {order} LIMIT ?",
        [*args, *params, limit * 3],
    )
    seen: dict[str, tuple[str, str, int, int, int, str]] = {}
    for row in rows:
        seen.setdefault(row[0], tuple(row))  # type: ignore[arg-type]
        if len(seen) == limit:
            break
    return list(seen.values())

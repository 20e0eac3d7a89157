"""`qa doctor`: check that the catalog, its FTS rows and the Chroma vectors agree, and repair them.

The catalog is the truth. Each committed chunk needs one FTS row and one vector whose text is
`article.text[start:end]`; anything else (a vector, FTS row or chunk row that belongs to nothing)
is an orphan. Chunk ids listed in `garbage` while another process holds the write lock belong to
a write in progress: they are pending, not problems.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from index.lock import WRITE_LOCK, FolderLock, IndexBusyError
from index.writes import BUILD_KEYS

if TYPE_CHECKING:
    from index.indexer import ArticleIndex

KINDS = (
    "sqlite_integrity",
    "missing_vector",
    "orphan_vector",
    "missing_fts",
    "orphan_fts",
    "orphan_chunk",
    "bad_offsets",
    "count_mismatch",
    "build_mismatch",
    "bad_quote_offsets",
    "stale_parse",
)
"""What `qa doctor` reports."""


@dataclass(frozen=True)
class Problem:
    """One inconsistency: its kind, the article it concerns (if any) and what is wrong."""

    kind: str
    article_id: str | None
    detail: str
    ids: tuple[str, ...] = field(default=(), compare=False)  # chunk ids or FTS rowids to fix

    def to_json(self) -> dict[str, Any]:
        """The `problems` item of `qa doctor --json`."""
        return {"kind": self.kind, "article_id": self.article_id, "detail": self.detail}


@dataclass
class Diagnosis:
    """What `qa doctor` found."""

    articles: int = 0
    chunks: int = 0
    vectors: int = 0
    problems: list[Problem] = field(default_factory=list)
    pending: int = 0  # chunk ids of a write in progress in another process

    @property
    def ok(self) -> bool:
        """No problem at all."""
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        """The `qa doctor --json` object."""
        return {
            "ok": self.ok,
            "articles": self.articles,
            "chunks": self.chunks,
            "vectors": self.vectors,
            "problems": [p.to_json() for p in self.problems],
        }


def integrity_problems(index: ArticleIndex, quick: bool = False) -> list[Problem]:
    """SQLite's own check of the catalog file (`quick_check` when `quick`), on a fresh
    connection so a damaged file is reported, not raised."""
    path = index.catalog_path
    if not path.exists():
        return []  # nothing indexed yet: nothing to check (and nothing is created here)
    try:
        db = sqlite3.connect(path, isolation_level=None)
        try:
            pragma = "quick_check" if quick else "integrity_check"
            rows = [r[0] for r in db.execute(f"PRAGMA {pragma}(20)")]
            if rows != ["ok"]:
                return [_damaged(path, "; ".join(rows[:3]))]
            if not quick:  # the FTS5 index's own structure
                db.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('integrity-check')")
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        return [_damaged(path, str(exc))]
    return []


def _damaged(path: object, why: str) -> Problem:
    return Problem(
        "sqlite_integrity",
        None,
        f"the catalog {path} is damaged ({why}): restore it from a backup, or move it away and "
        "re-ingest your articles (`qa ingest PATH`); `qa doctor --repair` does not repair this",
    )


def diagnose(index: ArticleIndex) -> Diagnosis:
    """Check everything. Holds the write lock while it reads when no one else does (a consistent
    view); otherwise ids of the write in progress are counted as pending."""
    damaged = integrity_problems(index)
    if damaged:
        return Diagnosis(problems=damaged)
    probe = FolderLock(index.data_dir, WRITE_LOCK, on_wait=lambda _: None)
    if probe.held_elsewhere() is None:
        try:
            return probe.run(lambda: _consistency(index, locked=True), timeout=0)
        except IndexBusyError:
            pass  # a writer started just now: check beside it
    return _consistency(index, locked=False)


@dataclass
class _Snapshot:
    """The catalog's chunk rows, FTS rows and garbage, read in one transaction."""

    chunks: dict[str, tuple[str, int, int, int, int]]  # id -> (article_id, idx, start, end, rowid)
    fts: dict[int, str]  # rowid -> body
    garbage: set[str]
    articles: dict[str, tuple[str, int]]  # id -> (content hash, recorded chunk count)
    meta: dict[str, str]


def _snapshot(index: ArticleIndex) -> _Snapshot:
    db = index.catalog.reader
    db.execute("BEGIN")
    try:
        chunks = {
            r[0]: tuple(r[1:])
            for r in db.execute('SELECT id, article_id, idx, start, "end", rowid FROM chunks')
        }
        fts = dict(db.execute("SELECT rowid, body FROM chunks_fts"))
        garbage = {r[0] for r in db.execute("SELECT chunk_id FROM garbage")}
        articles = {
            r[0]: (r[1], r[2])
            for r in db.execute("SELECT id, content_hash, chunk_count FROM articles")
        }
        meta = dict(db.execute("SELECT key, value FROM meta"))
    finally:
        db.execute("COMMIT")
    return _Snapshot(chunks, fts, garbage, articles, meta)  # type: ignore[arg-type]


def _consistency(index: ArticleIndex, locked: bool) -> Diagnosis:
    index.refresh()
    before = _snapshot(index)
    vectors = set(index.store.iter_ids())
    after = _snapshot(index) if not locked else before
    # Under the lock garbage is what a crash left; beside a writer it is its write in progress.
    pending = set() if locked else before.garbage | after.garbage
    chunk_ids = set(before.chunks) & set(after.chunks)
    problems: list[Problem] = []
    problems += _vector_problems(chunk_ids, vectors, before, after, pending)
    problems += _row_problems(before)
    problems += _article_problems(index, before, vectors)
    if not locked:  # what the other writer is changing right now is not a problem
        busy = _touched(before, after, pending)
        problems = [p for p in problems if p.article_id is None or p.article_id not in busy]
    problems += _build_problems(index, before.meta)
    problems += parse_problems(index)
    count = index.store.count()
    if count != len(vectors):
        detail = f"Chroma counts {count} vectors but lists {len(vectors)}"
        problems.append(Problem("count_mismatch", None, detail))
    return Diagnosis(
        articles=len(before.articles),
        chunks=len(before.chunks),
        vectors=len(vectors),
        problems=problems,
        pending=len(pending),
    )


def parse_problems(index: ArticleIndex) -> list[Problem]:
    """Quotes whose offsets no longer hold their text, and articles lacking a current parse."""
    db = index.catalog.reader
    problems = []
    rows = db.execute(
        'SELECT q.article_id, q.quote, q.start, q."end", a.text FROM quotes q '
        "LEFT JOIN articles a ON a.id = q.article_id"
    )
    bad: dict[str, int] = defaultdict(int)
    for article_id, quote, start, end, text in rows:
        if text is None or text[start:end] != quote:
            bad[article_id] += 1
    for article_id, count in sorted(bad.items()):
        detail = f"{count} quote(s) whose offsets do not hold their text (or of no article)"
        problems.append(Problem("bad_quote_offsets", article_id, detail))
    stale = index.unparsed()
    if stale:
        detail = (
            f"{len(stale)} article(s) lack a current who-said-what parse "
            f"({', '.join(stale[:3])}{', …' if len(stale) > 3 else ''})"
        )
        problems.append(Problem("stale_parse", None, detail, tuple(stale)))
    return problems


def _touched(before: _Snapshot, after: _Snapshot, pending: set[str]) -> set[str]:
    """Articles a concurrent write changed between the two snapshots or is writing now."""
    busy = {a for a in map(_article_of_chunk_id, pending) if a}
    busy |= {a for a in before.articles.keys() ^ after.articles.keys()}
    busy |= {a for a, v in before.articles.items() if after.articles.get(a, v) != v}
    busy |= {before.chunks[i][0] for i in before.chunks.keys() - after.chunks.keys()}
    busy |= {after.chunks[i][0] for i in after.chunks.keys() - before.chunks.keys()}
    return busy


def _vector_problems(
    chunk_ids: set[str],
    vectors: set[str],
    before: _Snapshot,
    after: _Snapshot,
    pending: set[str],
) -> list[Problem]:
    missing = chunk_ids - vectors - pending
    orphans = vectors - set(before.chunks) - set(after.chunks) - pending
    problems = []
    for article_id, ids in _by_article(missing, lambda i: before.chunks[i][0]).items():
        detail = f"{len(ids)} chunk(s) have no vector ({', '.join(sorted(ids)[:3])})"
        problems.append(Problem("missing_vector", article_id, detail, tuple(sorted(ids))))
    for article_id, ids in _by_article(orphans, _article_of_chunk_id).items():
        leftover = ids & before.garbage
        why = "left by an interrupted write" if leftover == ids else "belong to no chunk"
        detail = f"{len(ids)} vector(s) {why} ({', '.join(sorted(ids)[:3])})"
        problems.append(Problem("orphan_vector", article_id, detail, tuple(sorted(ids))))
    return problems


def _row_problems(snap: _Snapshot) -> list[Problem]:
    """FTS rows and chunk rows that belong to nothing, chunks without their FTS row."""
    problems = []
    rowids = {v[4]: k for k, v in snap.chunks.items()}
    orphan_fts = sorted(set(snap.fts) - set(rowids))
    if orphan_fts:
        detail = f"{len(orphan_fts)} FTS row(s) belong to no chunk (rowids {orphan_fts[:3]})"
        problems.append(Problem("orphan_fts", None, detail, tuple(map(str, orphan_fts))))
    no_fts = [cid for rowid, cid in rowids.items() if rowid not in snap.fts]
    for article_id, ids in _by_article(no_fts, lambda i: snap.chunks[i][0]).items():
        detail = f"{len(ids)} chunk(s) have no FTS row ({', '.join(sorted(ids)[:3])})"
        problems.append(Problem("missing_fts", article_id, detail, tuple(sorted(ids))))
    stray = [cid for cid, v in snap.chunks.items() if v[0] not in snap.articles]
    for article_id, ids in _by_article(stray, lambda i: snap.chunks[i][0]).items():
        detail = f"{len(ids)} chunk row(s) of an article that is not in the catalog"
        problems.append(Problem("orphan_chunk", article_id, detail, tuple(sorted(ids))))
    return problems


def _article_problems(index: ArticleIndex, snap: _Snapshot, vectors: set[str]) -> list[Problem]:
    """Per article: chunk count, chunk order and offsets against the stored text."""
    per_article: dict[str, list[str]] = defaultdict(list)
    for cid, (article_id, *_) in snap.chunks.items():
        per_article[article_id].append(cid)
    documents = index.store.documents(sorted(set(snap.chunks) & vectors))
    problems = []
    rows = index.catalog.reader.execute("SELECT id, text, content_hash FROM articles")
    for article_id, text, content_hash in rows:
        if snap.articles.get(article_id, (None,))[0] != content_hash:
            continue  # written after the snapshot (beside another writer)
        chunk_count = snap.articles[article_id][1]
        ids = sorted(per_article.get(article_id, ()), key=lambda i: snap.chunks[i][1])
        if chunk_count != len(ids):
            detail = f"the article records {chunk_count} chunks but has {len(ids)} chunk rows"
            problems.append(Problem("count_mismatch", article_id, detail, tuple(ids)))
        bad = _bad_offsets(text, content_hash, article_id, ids, snap, documents)
        if bad:
            problems.append(Problem("bad_offsets", article_id, bad, tuple(ids)))
    return problems


def _bad_offsets(
    text: str,
    content_hash: str,
    article_id: str,
    ids: list[str],
    snap: _Snapshot,
    documents: dict[str, str],
) -> str | None:
    """Why the article's chunks do not match its text, or None."""
    if [snap.chunks[i][1] for i in ids] != list(range(len(ids))):
        return "chunk numbers are not 0..n-1"
    for cid in ids:
        _, _, start, end, rowid = snap.chunks[cid]
        if not cid.startswith(f"{article_id}-{content_hash[:8]}-"):
            return f"chunk {cid} belongs to another version of the article"
        if not 0 <= start < end <= len(text):
            return f"chunk {cid} has offsets {start}..{end} outside the text ({len(text)} chars)"
        quote = text[start:end]
        if rowid in snap.fts and snap.fts[rowid] != quote:
            return f"chunk {cid}: text[{start}:{end}] differs from its indexed text"
        if cid in documents and documents[cid] != quote:
            return f"chunk {cid}: text[{start}:{end}] differs from its vector's text"
    return None


def _build_problems(index: ArticleIndex, meta: dict[str, str]) -> list[Problem]:
    """The catalog, the collection and the settings must agree on how vectors were made."""
    problems = []
    named = meta.get("collection")
    if named and named != index.collection_name:
        detail = (
            f"an interrupted `qa reindex` left the live collection named {named!r}: "
            "`qa doctor --repair` or `qa reindex` finishes it"
        )
        problems.append(Problem("build_mismatch", None, detail))
    on_collection = index.store.meta
    for key in BUILD_KEYS:
        if key in meta and str(on_collection.get(key)) != meta[key]:
            have = on_collection.get(key)
            detail = f"the catalog records {key} {meta[key]!r}, the vectors {have!r}"
            detail += ": run `qa reindex`"
            problems.append(Problem("build_mismatch", None, detail))
    for key, want in index.expected_meta().items():
        if key in meta and meta[key] != want:
            detail = f"built with {key} {meta[key]!r}, the settings ask for {want!r}"
            detail += ": run `qa reindex`"
            problems.append(Problem("build_mismatch", None, detail))
    dimension = meta.get("dimension")
    sample = index.store.collection.get(limit=1, include=["embeddings"])
    embeddings = sample.get("embeddings")
    if (
        dimension
        and embeddings is not None
        and len(embeddings)
        and len(embeddings[0]) != int(dimension)
    ):
        detail = f"vectors have {len(embeddings[0])} dimensions, the catalog records {dimension}"
        problems.append(Problem("build_mismatch", None, detail + ": run `qa reindex`"))
    return problems


def _by_article(ids: Iterable[str], article_of: Callable[[str], str | None]) -> dict:
    grouped: dict[str | None, set[str]] = defaultdict(set)
    for i in ids:
        grouped[article_of(i)].add(i)
    return dict(sorted(grouped.items(), key=lambda kv: kv[0] or ""))


def _article_of_chunk_id(chunk_id: str) -> str | None:
    """Chunk ids are `<article id>-<content hash[:8]>-<n>`."""
    parts = chunk_id.split("-")
    return parts[0] if len(parts) == 3 else None


def quick_check(index: ArticleIndex) -> list[str]:
    """What `qa serve` checks at start: `PRAGMA quick_check` and that the counts agree."""
    damaged = integrity_problems(index, quick=True)
    if damaged:
        return [damaged[0].detail]
    db = index.catalog.reader
    articles = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    recorded = db.execute("SELECT coalesce(sum(chunk_count), 0) FROM articles").fetchone()[0]
    rows = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
    fts = db.execute("SELECT count(*) FROM chunks_fts").fetchone()[0]
    garbage = db.execute("SELECT count(*) FROM garbage").fetchone()[0]
    vectors = index.store.count()
    if recorded == rows == fts and rows <= vectors <= rows + garbage:
        return []
    return [
        f"the index in {index.data_dir} looks inconsistent ({articles} articles, {rows} chunks, "
        f"{fts} search rows, {vectors} vectors)"
    ]

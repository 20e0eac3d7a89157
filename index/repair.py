"""`qa doctor --repair`: fix what `qa doctor` found, under the write lock, from the stored text.

Orphans (vectors, FTS rows, chunk rows that belong to nothing) are deleted; missing FTS rows are
rebuilt from the article's text; articles with missing vectors, wrong offsets or a wrong chunk
count are re-chunked and re-embedded from their stored text (embedding outside the lock). A
damaged catalog file is never repaired: it must be restored or re-ingested.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from index import facts
from index.doctor import Diagnosis, Problem, _consistency, diagnose, integrity_problems
from index.store import IndexMismatchError
from index.writes import sweep, write_articles

if TYPE_CHECKING:
    from index.indexer import ArticleIndex

Say = Callable[[str], None]
REEMBED = ("missing_vector", "bad_offsets", "count_mismatch")


def repair(index: ArticleIndex, say: Say) -> Diagnosis:
    """Fix every problem that can be fixed, saying one line per fix; return the re-check."""
    if integrity_problems(index):
        return diagnose(index)
    articles = index.write(lambda: _fix_rows(index, say))
    if articles:
        _reembed(index, articles, say)
    parsed = index.parse_missing()
    if parsed:
        say(f"stale_parse: parsed {parsed} article(s) from their stored text")
    return diagnose(index)


def _fix_rows(index: ArticleIndex, say: Say) -> list[str]:
    """Under the lock: delete orphans, rebuild FTS rows; return the articles to re-embed."""
    named = index.catalog.get_meta().get("collection")
    index.sync(check=False)
    if named and named != index.collection_name:
        say(f"finished an interrupted reindex: {named!r} is now {index.collection_name!r}")
    found = _consistency(index, locked=True)
    stray = {i for p in found.problems if p.kind == "orphan_chunk" for i in p.ids}
    # Problems of stray chunk rows go away with the rows.
    problems = [
        p for p in found.problems if p.kind == "orphan_chunk" or not (p.ids and set(p.ids) <= stray)
    ]
    reembed = sorted({p.article_id for p in problems if p.kind in REEMBED and p.article_id})
    catalog, store = index.catalog, index.store
    for problem in problems:
        where = f" of article {problem.article_id}" if problem.article_id else ""
        if problem.article_id in reembed and problem.kind in (*REEMBED, "missing_fts"):
            continue  # re-embedding the article rebuilds its chunks, FTS rows and vectors
        if problem.kind == "orphan_vector":
            store.delete(list(problem.ids))
            say(f"orphan_vector: deleted {len(problem.ids)} vector(s){where}")
        elif problem.kind == "orphan_fts":
            rowids = [(int(r),) for r in problem.ids]
            with catalog.transaction() as db:
                db.executemany("DELETE FROM chunks_fts WHERE rowid = ?", rowids)
            say(f"orphan_fts: deleted {len(problem.ids)} FTS row(s)")
        elif problem.kind == "orphan_chunk":
            _delete_chunk_rows(index, list(problem.ids))
            say(f"orphan_chunk: deleted {len(problem.ids)} chunk row(s){where}")
        elif problem.kind == "missing_fts":
            _rebuild_fts(index, problem)
            say(f"missing_fts: rebuilt {len(problem.ids)} FTS row(s){where}")
        elif problem.kind == "bad_quote_offsets":
            with catalog.transaction() as db:  # dropped here, parsed again below
                facts.delete(db, problem.article_id or "")
            say(f"bad_quote_offsets: dropped the parse{where}; it is parsed again")
        elif problem.kind == "stale_parse":
            pass  # parsed below, outside the lock
        else:
            say(f"not repaired: {problem.kind}: {problem.detail}")
    if sweep(catalog, store) or found.problems:
        with catalog.transaction():
            catalog.bump_commits()
    index.synced()
    if reembed:
        try:
            index.check_compatible()
        except IndexMismatchError as exc:
            say(f"not re-embedded ({len(reembed)} article(s)): {exc}")
            return []
    return reembed


def _delete_chunk_rows(index: ArticleIndex, chunk_ids: list[str]) -> None:
    with index.catalog.transaction() as db:
        for cid in chunk_ids:
            db.execute(
                "DELETE FROM chunks_fts WHERE rowid IN (SELECT rowid FROM chunks WHERE id = ?)",
                (cid,),
            )
            db.execute("DELETE FROM chunks WHERE id = ?", (cid,))
            db.execute("INSERT OR IGNORE INTO garbage VALUES (?)", (cid,))


def _rebuild_fts(index: ArticleIndex, problem: Problem) -> None:
    stored = index.catalog.get(problem.article_id or "")
    if stored is None:
        return
    article = stored.article
    with index.catalog.transaction() as db:
        for cid in problem.ids:
            rowid, start, end = db.execute(
                'SELECT rowid, start, "end" FROM chunks WHERE id = ?', (cid,)
            ).fetchone()
            db.execute(
                "INSERT INTO chunks_fts (rowid, title, body) VALUES (?,?,?)",
                (rowid, article.title, article.text[start:end]),
            )


def _reembed(index: ArticleIndex, article_ids: list[str], say: Say) -> None:
    """Re-chunk and re-embed articles from their stored text (embedding outside the lock)."""
    from index.indexer import IngestReport

    stored = index.catalog.articles_by_id(article_ids)
    report = IngestReport()
    batch = []
    for article_id in article_ids:
        article = stored.get(article_id)
        if article is None:
            continue
        chunks = index.chunk(article, report)
        if chunks is not None:
            batch.append((article, chunks))
    for failure in report.failed:
        say(f"not re-embedded: {failure.path}: {failure.reason}")
    staged = index.embed(batch)

    def write() -> None:
        index.sync()
        now = index.catalog.content_hashes([s.article.id for s in staged])
        same = [s for s in staged if now.get(s.article.id) == s.article.content_hash]
        if same:
            write_articles(index.catalog, index.store, same, index.build_meta(same))
        index.synced()
        for s in same:
            say(f"re-embedded article {s.article.id} from its stored text ({len(s.chunks)} chunks)")

    index.write(write)

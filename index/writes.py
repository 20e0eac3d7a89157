"""The steps of one write, run under the data folder's write lock: sweep, announce, upsert, commit.

The catalog is the truth: new vectors go to Chroma first, announced in `garbage` so that a crash
before the commit leaves only vectors the next sweep deletes; one SQLite transaction then swaps
the articles in. Each step bumps the catalog's commit counter, so other processes know to reopen
their Chroma client before they search or write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from index import facts
from index.catalog import Catalog
from index.crashpoints import crash_point
from index.models import Article, Chunk
from index.parse import ArticleParse
from index.store import VectorStore

BUILD_KEYS = ("embedding_model", "chunker", "dimension")


@dataclass
class Staged:
    """An article, its chunks and their vectors (and its parse), ready to be written."""

    article: Article
    chunks: list[Chunk]
    vectors: Sequence[Sequence[float]]
    parse: ArticleParse | None = None


def write_articles(
    catalog: Catalog, store: VectorStore, items: Sequence[Staged], build: dict[str, str]
) -> None:
    """Swap `items` in whole: vectors first, then one transaction; leftovers swept before and
    after. Call holding the write lock."""
    sweep(catalog, store)
    new_ids = [c.id for item in items for c in item.chunks]
    # Announce the new ids first: if we die before the commit, the sweep removes them.
    with catalog.transaction() as db:
        db.executemany("INSERT OR IGNORE INTO garbage VALUES (?)", [(i,) for i in new_ids])
    crash_point("after_announce")
    record_build(catalog, store, build)
    for item in items:
        store.upsert(item.article, item.chunks, item.vectors)
    crash_point("after_upsert")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with catalog.transaction():
        for item in items:
            catalog.replace_article(item.article, item.chunks, now)
            if item.parse is not None:
                facts.replace(catalog.db, item.article.id, item.article.text, item.parse)
        catalog.bump_commits()
        crash_point("before_commit")
    sweep(catalog, store)


def write_parses(catalog: Catalog, items: Sequence[tuple[Article, ArticleParse]]) -> int:
    """Store parses of articles whose text is still the one parsed; returns how many. Call
    holding the write lock (chunks and vectors are untouched: nothing is re-embedded)."""
    hashes = catalog.content_hashes([a.id for a, _ in items])
    fresh = [(a, p) for a, p in items if hashes.get(a.id) == a.content_hash]
    if fresh:
        with catalog.transaction():
            for article, parse in fresh:
                facts.replace(catalog.db, article.id, article.text, parse)
            catalog.bump_commits()
            crash_point("before_parse_commit")
    return len(fresh)


def delete_articles(catalog: Catalog, store: VectorStore, article_ids: Sequence[str]) -> list[str]:
    """Remove articles and their vectors; returns the ids that existed. Call holding the lock."""
    sweep(catalog, store)
    with catalog.transaction():
        removed = [a for a in article_ids if catalog.delete_article(a)]
        if removed:
            catalog.bump_commits()
    sweep(catalog, store)
    return removed


def sweep(catalog: Catalog, store: VectorStore) -> int:
    """Delete vectors of chunks that are no longer (or never were) committed; returns how many
    ids were cleared. Call holding the write lock."""
    garbage = catalog.garbage()
    if not garbage:
        return 0
    live = catalog.existing_chunk_ids(garbage)
    store.delete([g for g in garbage if g not in live])
    with catalog.transaction() as db:
        db.executemany("DELETE FROM garbage WHERE chunk_id = ?", [(g,) for g in garbage])
        catalog.bump_commits()
    return len(garbage)


def record_build(catalog: Catalog, store: VectorStore, build: dict[str, str]) -> None:
    """Record how vectors are made (model, chunker, dimension) on the catalog and collection."""
    recorded = catalog.get_meta()
    if any(recorded.get(key) != value for key, value in build.items()):
        catalog.set_meta(build)
    if any(store.meta.get(key) != value for key, value in build.items()):
        store.record_meta(build)

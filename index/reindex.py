"""`qa reindex`: rebuild every article beside the live index, then switch in one step.

The new index is built in `DATA_DIR/<c>.next.sqlite` and the Chroma collection `<c>__next`, a
batch at a time under the write lock (so `qa serve` and `qa ingest` keep working meanwhile; what
they change is caught up before the switch). The switch is one `os.replace` of the catalog file,
whose meta names the live collection; then the old collection is deleted and the new one renamed
to `<c>`. A crash before the switch leaves the old index live and the next run discards `.next`;
a crash after it leaves the new index live and the next write finishes the rename.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from index.catalog import Catalog
from index.crashpoints import crash_point
from index.lock import REINDEX_LOCK, FolderLock
from index.models import Article, Chunk
from index.store import VectorStore, collection_names, drop_deleted_segment_files
from index.writes import delete_articles, write_articles

if TYPE_CHECKING:
    from index.indexer import ArticleIndex, IngestReport, Progress

NEXT = "__next"
CATCH_UP_ROUNDS = 3
_SIDECARS = ("-wal", "-shm", "-journal")


class ReindexError(RuntimeError):
    """The new index could not be switched in; the old one is still live and complete."""


def next_path(index: ArticleIndex) -> Path:
    """Where the new catalog is built."""
    return index.data_dir / f"{index.collection_name}.next.sqlite"


def next_name(index: ArticleIndex) -> str:
    """The Chroma collection the new vectors are built in."""
    return index.collection_name + NEXT


def rebuild(index: ArticleIndex, progress: Progress | None = None) -> IngestReport:
    """Re-chunk and re-embed every stored article with the current settings, then switch.

    One reindex at a time per data folder (a second one waits for the first).
    """
    started = time.perf_counter()
    report = FolderLock(index.data_dir, REINDEX_LOCK).run(lambda: _rebuild(index, progress))
    report.seconds = time.perf_counter() - started
    return report


def _rebuild(index: ArticleIndex, progress: Progress | None) -> IngestReport:
    from index.indexer import IngestReport

    report = IngestReport()
    if index.write(lambda: _start(index)):
        report.unchanged = index.catalog.counts()[0]  # a crashed run's switch, finished now
        return report
    target = Catalog(next_path(index))
    try:
        target.set_meta({"collection": next_name(index)})
        _copy(index, target, list(index.catalog.iter_articles()), report, progress)
        rounds = 0
        while not report.failed:
            final = rounds == CATCH_UP_ROUNDS
            changed = index.write(lambda: _catch_up_or_switch(index, target, report, final))
            if changed is None:
                break
            _copy(index, target, changed, report, progress)
            rounds += 1
    finally:
        target.close()
    if report.failed:  # nothing switched: the old index stays, whole
        index.write(lambda: _discard(index))
        return report
    report.added, report.chunks = index.catalog.counts()
    return report


def _start(index: ArticleIndex) -> bool:
    """Under the lock: finish a switch a crashed run left (True then, when its build is what the
    settings ask for), and discard any half-built `.next`."""
    index.refresh()
    finished = finish_switch(index)
    _discard(index)
    if not finished:
        return False
    recorded = index.catalog.get_meta()
    return all(recorded.get(k) == v for k, v in index.expected_meta().items())


def _discard(index: ArticleIndex) -> None:
    """Under the lock: delete `.next` and its collection (unless the catalog names it)."""
    name = next_name(index)
    client = index.store.client
    if name in collection_names(client) and index.store.name != name:
        client.delete_collection(name)
        _drop_files(index)
    for path in _with_sidecars(next_path(index)):
        path.unlink(missing_ok=True)


def _copy(
    index: ArticleIndex,
    target: Catalog,
    articles: Sequence[Article],
    report: IngestReport,
    progress: Progress | None,
) -> None:
    """Chunk and embed `articles` outside the lock, a batch at a time; write each batch into
    the new index under it."""
    batch: list[tuple[Article, list[Chunk]]] = []
    for article in articles:
        chunks = index.chunk(article, report)
        if chunks is None:
            continue
        batch.append((article, chunks))
        if sum(len(c) for _, c in batch) >= index.batch_chunks:
            _copy_batch(index, target, batch, progress)
            batch = []
    _copy_batch(index, target, batch, progress)


def _copy_batch(
    index: ArticleIndex,
    target: Catalog,
    batch: list[tuple[Article, list[Chunk]]],
    progress: Progress | None,
) -> None:
    if not batch:
        return
    staged = index.embed(batch)
    if progress:
        progress(0, sum(len(c) for _, c in batch))

    def write() -> None:
        index.sync(check=False)
        write_articles(target, _next_store(index), staged, index.build_meta(staged))
        index.synced()

    index.write(write)
    if progress:
        progress(len(batch), 0)


def _next_store(index: ArticleIndex) -> VectorStore:
    """The new collection, through the live index's (fresh) client."""
    return VectorStore(index.store.client, next_name(index))


def _catch_up_or_switch(
    index: ArticleIndex, target: Catalog, report: IngestReport, final: bool
) -> list[Article] | None:
    """Under the lock: bring the new index up to the live one's articles, then switch.

    Returns the articles that changed while the new index was built, for the caller to embed
    outside the lock; on the `final` round they are embedded here instead.
    """
    index.sync(check=False)
    live = index.catalog.content_hashes()
    built = target.content_hashes()
    store = _next_store(index)
    delete_articles(target, store, [i for i in built if i not in live])
    changed = [i for i, h in live.items() if built.get(i) != h]
    if changed:
        articles = list(index.catalog.articles_by_id(changed).values())
        if not final:
            return articles
        batch = [(a, c) for a in articles if (c := index.chunk(a, report)) is not None]
        if report.failed:
            return None
        staged = index.embed(batch)
        write_articles(target, store, staged, index.build_meta(staged))
    _switch(index, target)
    index.synced()
    return None


def _switch(index: ArticleIndex, target: Catalog) -> None:
    """Under the lock: make the new catalog the live one with one `os.replace`."""
    live = index.catalog
    target.set_meta({"collection": next_name(index), "commits": str(live.commit_count() + 1)})
    if not target.checkpoint():
        raise ReindexError(f"could not finish writing {target.path}; the old index is unchanged")
    target.close()
    # Empty the live file's write-ahead log and remove it: the new file must not inherit it.
    if not live.checkpoint():
        raise ReindexError(
            f"readers kept {live.path} busy; the old index is unchanged — run `qa reindex` again"
        )
    live.close()
    del index.__dict__["catalog"]
    for path in _with_sidecars(live.path)[1:]:
        path.unlink(missing_ok=True)
    crash_point("before_switch")
    os.replace(target.path, live.path)
    _fsync_dir(index.data_dir)
    crash_point("after_switch")
    finish_switch(index)


def finish_switch(index: ArticleIndex) -> bool:
    """Under the lock: if the catalog names `<c>__next`, delete `<c>` and rename `<c>__next` to
    it, then record that. True when there was a switch to finish."""
    named = index.catalog.get_meta().get("collection")
    if not named or named == index.collection_name:
        return False
    client = index.store.client
    names = collection_names(client)
    if named in names:
        if index.collection_name in names:
            client.delete_collection(index.collection_name)
        client.get_collection(named, embedding_function=None).modify(name=index.collection_name)
        _drop_files(index)
    with index.catalog.transaction() as db:
        db.execute("DELETE FROM meta WHERE key = 'collection'")
        index.catalog.bump_commits()
    index.refresh()
    return True


def _drop_files(index: ArticleIndex) -> None:
    if not index.chroma_host:
        drop_deleted_segment_files(index.data_dir)


def _with_sidecars(path: Path) -> list[Path]:
    return [path, *(path.with_name(path.name + s) for s in _SIDECARS)]


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

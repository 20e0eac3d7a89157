"""Load → chunk → embed → store, one whole article at a time, idempotently."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from index import facts
from index.catalog import Catalog
from index.chunking import ChunkerConfig, ChunkingRefused, chunk_article, embedding_text
from index.embed import Embedder
from index.lock import WRITE_LOCK, FolderLock
from index.models import Article, Chunk, LoadFailure
from index.nlp import DEFAULT_MODEL
from index.parse import Parser
from index.store import (
    IndexMismatchError,
    VectorStore,
    chroma_client,
    collection_names,
    fresh_client,
)
from index.writes import BUILD_KEYS, Staged, delete_articles, write_articles, write_parses

T = TypeVar("T")
UPDATE_REFUSED = "already indexed with different text; the operator can allow updates"

Progress = Callable[[int, int], None]
"""Called with (articles finished, chunks embedded) increments."""


@dataclass
class IngestReport:
    """What one ingest did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[LoadFailure] = field(default_factory=list)
    skipped: list[LoadFailure] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0
    article_ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The `qa ingest --json` object."""
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": [_failure_json(f) for f in self.failed],
            "skipped": [_failure_json(f) for f in self.skipped],
            "chunks": self.chunks,
            "seconds": round(self.seconds, 3),
        }

    def summary(self) -> str:
        """One line: added / updated / unchanged / failed."""
        line = (
            f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
            f"failed {len(self.failed)} — {self.chunks} chunk{'' if self.chunks == 1 else 's'} "
            f"in {self.seconds:.1f} s"
        )
        return line + (f" ({len(self.skipped)} skipped)" if self.skipped else "")


@dataclass
class _Pending:
    article: Article
    chunks: list[Chunk]
    is_update: bool


class ArticleIndex:
    """The article index: a SQLite catalog (truth + lexical search) and Chroma vectors.

    Any number of threads and processes may write: each write takes the data folder's write lock
    (`index.lock`), one at a time. A long-lived reader calls `refresh` before it searches, to see
    what other processes wrote; readers never wait for the lock.
    """

    def __init__(
        self,
        data_dir: Path,
        embedder: Embedder,
        chunker: ChunkerConfig | None = None,
        *,
        collection: str = "articles",
        chroma_host: str | None = None,
        chroma_port: int = 8000,
        batch_chunks: int = 256,
        lock_timeout: float | None = None,
        parse_model: str | None = DEFAULT_MODEL,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.embedder = embedder
        self.chunker = chunker or ChunkerConfig()
        self.collection_name = collection
        self.chroma_host = chroma_host
        self.chroma_port = chroma_port
        self.batch_chunks = batch_chunks
        self.lock_timeout = lock_timeout  # None: writes wait as long as it takes (the CLI)
        # Who said what, dates and names, parsed at ingest (None: no parse, for benchmarks).
        self.parser = Parser(parse_model) if parse_model else None
        self.writer = FolderLock(self.data_dir, WRITE_LOCK)
        self._refresh_lock = threading.RLock()
        self._opened_at = -1  # the commit count the Chroma client was opened at

    @property
    def catalog_path(self) -> Path:
        """The catalog file (one per collection)."""
        return self.data_dir / f"{self.collection_name}.sqlite"

    @cached_property
    def catalog(self) -> Catalog:
        """The SQLite catalog."""
        return Catalog(self.catalog_path)

    @cached_property
    def store(self) -> VectorStore:
        """The live Chroma collection, through a client that has seen every write so far."""
        with self._refresh_lock:
            self._opened_at = self.catalog.commit_count()
            client = fresh_client(self.open_client)
            return VectorStore(client, self.live_collection(client))

    def open_client(self) -> Any:
        """A new Chroma client for this data folder (or server)."""
        return chroma_client(self.data_dir, self.chroma_host, self.chroma_port)

    def live_collection(self, client: Any) -> str:
        """The collection the catalog names: `<name>__next` until a reindex's switch finishes."""
        named = self.catalog.get_meta().get("collection") or self.collection_name
        if named != self.collection_name and named not in collection_names(client):
            return self.collection_name  # renamed already; the next write records that
        return named

    def refresh(self) -> None:
        """See other processes' writes: reopen the catalog if `qa reindex` replaced its file and
        the Chroma client if anyone committed since it was opened. Cheap when nothing changed."""
        with self._refresh_lock:
            catalog = self.__dict__.get("catalog")
            moved = catalog is not None and catalog.moved()
            if moved:  # searches still running finish on the old file; it closes when they end
                del self.__dict__["catalog"]
            if "store" not in self.__dict__:
                return
            count = self.catalog.commit_count()
            if moved or count != self._opened_at:
                client = fresh_client(self.open_client)
                self.store.reopen(client, self.live_collection(client))
                self._opened_at = count

    def expected_meta(self) -> dict[str, str]:
        """How this index is configured to embed and chunk."""
        return {"embedding_model": self.embedder.model_id, "chunker": self.chunker.version}

    def check_compatible(self) -> None:
        """Refuse to mix vectors from another model or chunker into this index."""
        recorded = self.catalog.get_meta()
        for key, want in self.expected_meta().items():
            have = recorded.get(key)
            if have is not None and have != want:
                raise IndexMismatchError(
                    f"the index in {self.data_dir} was built with {key} {have!r}, but the "
                    f"settings ask for {want!r}; run `qa reindex` to re-embed it from the stored "
                    "text (or change the settings back)"
                )

    def ingest(
        self,
        items: Iterable[Article | LoadFailure],
        progress: Progress | None = None,
        *,
        allow_updates: bool = True,
    ) -> IngestReport:
        """Index articles; unchanged ones are skipped, changed ones replaced whole (or, without
        `allow_updates`, refused: visitors of `qa serve` may not rewrite what is indexed).

        Loading, chunking and embedding run outside the write lock; each batch's writes take it.
        """
        started = time.perf_counter()
        report = IngestReport()
        self.refresh()
        self.check_compatible()
        pending: list[_Pending] = []
        for item in items:
            if isinstance(item, LoadFailure):
                (report.skipped if item.skipped else report.failed).append(item)
                continue
            self._stage(item, pending, report, progress, allow_updates)
            if sum(len(p.chunks) for p in pending) >= self.batch_chunks:
                self._flush(pending, report, progress, allow_updates)
        self._flush(pending, report, progress, allow_updates)
        report.seconds = time.perf_counter() - started
        return report

    def _stage(
        self,
        article: Article,
        pending: list[_Pending],
        report: IngestReport,
        progress: Progress | None,
        allow_updates: bool = True,
    ) -> None:
        staged = next((p for p in pending if p.article.id == article.id), None)
        stored = self.catalog.content_hashes([article.id]).get(article.id)
        current = staged.article.content_hash if staged else stored
        if current == article.content_hash:
            report.unchanged += 1
            if progress:
                progress(1, 0)
            return
        if stored is not None and not allow_updates:
            report.failed.append(LoadFailure(article.source or article.id, UPDATE_REFUSED))
            return
        chunks = self.chunk(article, report)
        if chunks is None:
            return
        if staged:  # a later copy in the same batch wins
            pending.remove(staged)
        pending.append(_Pending(article, chunks, is_update=stored is not None))

    def chunk(self, article: Article, report: IngestReport) -> list[Chunk] | None:
        """The article's chunks, or None with the reason added to `report.failed`."""
        try:
            chunks = chunk_article(article, self.embedder.count_tokens, self.chunker)
        except ChunkingRefused as exc:
            report.failed.append(_failure(article, str(exc)))
            return None
        if not chunks:
            report.failed.append(_failure(article, "no article text"))
            return None
        return chunks

    def embed(self, batch: Sequence[tuple[Article, list[Chunk]]]) -> list[Staged]:
        """Embed the chunks of each article and parse its text (outside the write lock: these
        are the slow parts)."""
        context = self.chunker.context
        texts = [embedding_text(a, c, context) for a, chunks in batch for c in chunks]
        # The parse runs beside the embedding: both spend most of their time in native code
        # that releases the GIL (spaCy's parser, onnxruntime), so together they take less than
        # the sum on two cores (measured: bench/parse_cost.py).
        with ThreadPoolExecutor(1, thread_name_prefix="parse") as pool:
            articles = [a for a, _ in batch]
            parsing = pool.submit(self.parser.parse_all, articles) if self.parser else None
            vectors = self.embedder.embed_documents(texts) if texts else []
            parses = parsing.result() if parsing is not None else {}
        staged, offset = [], 0
        for article, chunks in batch:
            vectors_of = vectors[offset : offset + len(chunks)]
            staged.append(Staged(article, chunks, vectors_of, parses.get(article.id)))
            offset += len(chunks)
        return staged

    def unparsed(self) -> list[str]:
        """Ids of articles whose parse is missing or made by another extractor version."""
        if self.parser is None:
            return []
        return facts.stale(self.catalog.reader, self.parser.version)

    def parse_missing(self, progress: Progress | None = None, batch: int = 32) -> int:
        """Parse the stored text of articles lacking a current parse (an index built before
        the parse existed, or by another extractor version); nothing is re-embedded. Returns
        how many were parsed."""
        if self.parser is None:
            return 0
        self.refresh()
        ids = self.unparsed()
        done = 0
        for start in range(0, len(ids), batch):
            articles = list(self.catalog.articles_by_id(ids[start : start + batch]).values())
            parsed = self.parser.parse_all(articles)
            items = [(a, parsed[a.id]) for a in articles]
            done += self.write(lambda items=items: self._write_parses(items))
            if progress:
                progress(len(articles), 0)
        return done

    def _write_parses(self, items: list[tuple[Article, Any]]) -> int:
        self.sync(check=False)
        written = write_parses(self.catalog, items)
        self.synced()
        return written

    def build_meta(self, staged: Sequence[Staged]) -> dict[str, str]:
        """What the index records about vectors like these."""
        dimension = next((len(s.vectors[0]) for s in staged if s.vectors), None)
        meta = self.expected_meta()
        if dimension:
            meta["dimension"] = str(dimension)
        return meta

    def _flush(
        self,
        pending: list[_Pending],
        report: IngestReport,
        progress: Progress | None,
        allow_updates: bool = True,
    ) -> None:
        if not pending:
            return
        batch = list(pending)
        pending.clear()
        staged = self.embed([(p.article, p.chunks) for p in batch])
        if progress:
            progress(0, sum(len(p.chunks) for p in batch))
        written, unchanged, refused = self.write(lambda: self._commit(staged, allow_updates))
        report.unchanged += unchanged
        report.failed += [_failure(s.article, UPDATE_REFUSED) for s in refused]
        for item, is_update in written:
            if is_update:
                report.updated += 1
            else:
                report.added += 1
            report.chunks += len(item.chunks)
            report.article_ids.append(item.article.id)
        if progress:
            progress(len(batch), 0)

    def _commit(
        self, staged: list[Staged], allow_updates: bool
    ) -> tuple[list[tuple[Staged, bool]], int, list[Staged]]:
        """Under the write lock: write the batch. What another writer stored meanwhile counts:
        the same content is unchanged, other content an update (refused unless allowed)."""
        self.sync()
        stored = self.catalog.content_hashes([s.article.id for s in staged])
        fresh = [s for s in staged if stored.get(s.article.id) != s.article.content_hash]
        refused = [s for s in fresh if s.article.id in stored and not allow_updates]
        fresh = [s for s in fresh if allow_updates or s.article.id not in stored]
        if fresh:
            write_articles(self.catalog, self.store, fresh, self.build_meta(fresh))
        self.synced()
        unchanged = len(staged) - len(fresh) - len(refused)
        return [(s, s.article.id in stored) for s in fresh], unchanged, refused

    def write(self, fn: Callable[[], T]) -> T:
        """Run `fn` holding the data folder's write lock (waiting up to `lock_timeout`)."""
        return self.writer.run(fn, timeout=self.lock_timeout)

    def sync(self, check: bool = True) -> None:
        """First thing under the write lock: catch up with earlier writes and finish a switch a
        crashed `qa reindex` left; refuse (with `check`) if the index needs other settings."""
        from index.reindex import finish_switch

        self.refresh()
        finish_switch(self)
        if check:
            self.check_compatible()

    def synced(self) -> None:
        """After our own writes under the lock, our Chroma client has seen every commit."""
        self._opened_at = self.catalog.commit_count()

    def delete(self, article_ids: Iterable[str]) -> list[str]:
        """Remove articles and their vectors; returns the ids that existed."""
        ids = list(article_ids)

        def remove() -> list[str]:
            self.sync(check=False)
            removed = delete_articles(self.catalog, self.store, ids)
            self.synced()
            return removed

        return self.write(remove)

    def reindex(self, progress: Progress | None = None) -> IngestReport:
        """Re-chunk and re-embed every stored article beside the live index, then switch."""
        from index.reindex import rebuild

        return rebuild(self, progress)

    def info(self) -> dict[str, Any]:
        """Where the index lives and what it holds."""
        articles, chunks = self.catalog.counts()
        store = (
            f"chroma http://{self.chroma_host}:{self.chroma_port}"
            if self.chroma_host
            else (f"chroma {self.data_dir / 'chroma'}")
        )
        meta = self.catalog.get_meta()
        return {
            "data_dir": str(self.data_dir),
            "articles": articles,
            "chunks": chunks,
            "store": store,
            "collection": self.collection_name,
            "catalog": str(self.catalog.path),
            **{key: meta[key] for key in BUILD_KEYS if key in meta},
            "embedding_model": self.embedder.model_id,
            "embedding_backend": self.embedder.backend,
            "chunker": self.chunker.version,
        }

    def close(self) -> None:
        """Release the catalog."""
        if "catalog" in self.__dict__:
            self.catalog.close()


def _failure(article: Article, reason: str) -> LoadFailure:
    """A failure that points where the article came from (file and line) or at its id."""
    return LoadFailure(article.source or article.id, reason, line=article.line)


def _failure_json(failure: LoadFailure) -> dict[str, Any]:
    data = asdict(failure)
    data.pop("skipped")
    return data

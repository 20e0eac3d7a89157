"""Load → chunk → embed → store, one whole article at a time, idempotently."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from index.catalog import Catalog, Filters
from index.chunking import ChunkerConfig, chunk_article, embedding_text
from index.embed import Embedder
from index.models import Article, Chunk, LoadFailure
from index.store import IndexMismatchError, VectorStore, chroma_client

_NO_FILTERS = Filters()

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
    """The article index: a SQLite catalog (truth + lexical search) and Chroma vectors."""

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
    ) -> None:
        self.data_dir = Path(data_dir)
        self.embedder = embedder
        self.chunker = chunker or ChunkerConfig()
        self.collection_name = collection
        self.chroma_host = chroma_host
        self.chroma_port = chroma_port
        self.batch_chunks = batch_chunks
        self._write_lock = threading.Lock()

    @cached_property
    def catalog(self) -> Catalog:
        """The SQLite catalog (one file per collection)."""
        return Catalog(self.data_dir / f"{self.collection_name}.sqlite")

    @cached_property
    def store(self) -> VectorStore:
        """The Chroma collection."""
        client = chroma_client(self.data_dir, self.chroma_host, self.chroma_port)
        return VectorStore(client, self.collection_name)

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
        `allow_updates`, refused: visitors of `qa serve` may not rewrite what is indexed)."""
        started = time.perf_counter()
        report = IngestReport()
        with self._write_lock:
            self.check_compatible()
            self._sweep()
            pending: list[_Pending] = []
            for item in items:
                if isinstance(item, LoadFailure):
                    (report.skipped if item.skipped else report.failed).append(item)
                    continue
                self._stage(item, pending, report, progress, allow_updates)
                if sum(len(p.chunks) for p in pending) >= self.batch_chunks:
                    self._flush(pending, report, progress)
            self._flush(pending, report, progress)
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
            reason = "already indexed with different text; the operator can allow updates"
            report.failed.append(LoadFailure(article.source or article.id, reason))
            return
        chunks = chunk_article(article, self.embedder.count_tokens, self.chunker)
        if not chunks:
            report.failed.append(LoadFailure(article.source or article.id, "no article text"))
            return
        if staged:  # a later copy in the same batch wins
            pending.remove(staged)
        pending.append(_Pending(article, chunks, is_update=stored is not None))

    def _flush(
        self, pending: list[_Pending], report: IngestReport, progress: Progress | None
    ) -> None:
        if not pending:
            return
        context = self.chunker.context
        texts = [embedding_text(p.article, c, context) for p in pending for c in p.chunks]
        new_ids = [c.id for p in pending for c in p.chunks]
        # Announce the new ids first: if we die before the commit, the sweep removes them.
        with self.catalog.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO garbage VALUES (?)", [(i,) for i in new_ids])
        vectors = self.embedder.embed_documents(texts)
        self._record_build(len(vectors[0]))
        offset = 0
        for p in pending:
            self.store.upsert(p.article, p.chunks, vectors[offset : offset + len(p.chunks)])
            offset += len(p.chunks)
            if progress:
                progress(0, len(p.chunks))
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.catalog.transaction():
            for p in pending:
                self.catalog.replace_article(p.article, p.chunks, now)
        for p in pending:
            if p.is_update:
                report.updated += 1
            else:
                report.added += 1
            report.chunks += len(p.chunks)
            report.article_ids.append(p.article.id)
            if progress:
                progress(1, 0)
        pending.clear()
        self._sweep()

    def _record_build(self, dimension: int) -> None:
        meta = {**self.expected_meta(), "dimension": str(dimension)}
        if self.catalog.get_meta() != meta:
            self.catalog.set_meta(meta)
            self.store.record_meta(meta)

    def _sweep(self) -> None:
        """Delete vectors of chunks that are no longer (or never were) committed."""
        garbage = self.catalog.garbage()
        if not garbage:
            return
        live = set(self.catalog.committed_chunks(garbage, _NO_FILTERS))
        self.store.delete([g for g in garbage if g not in live])
        self.catalog.clear_garbage(garbage)

    def delete(self, article_ids: Iterable[str]) -> list[str]:
        """Remove articles and their vectors; returns the ids that existed."""
        removed: list[str] = []
        with self._write_lock:
            with self.catalog.transaction():
                removed = [a for a in article_ids if self.catalog.delete_article(a)]
            self._sweep()
        return removed

    def reindex(self, progress: Progress | None = None) -> IngestReport:
        """Re-chunk and re-embed every stored article with the current settings."""
        articles = list(self.catalog.iter_articles())
        with self._write_lock:
            self.store.reset()
            with self.catalog.transaction():
                for article in articles:
                    self.catalog.delete_article(article.id)
                self.catalog.db.execute("DELETE FROM garbage")
                self.catalog.db.execute("DELETE FROM meta")
        return self.ingest(articles, progress)

    def info(self) -> dict[str, Any]:
        """Where the index lives and what it holds."""
        articles, chunks = self.catalog.counts()
        store = (
            f"chroma http://{self.chroma_host}:{self.chroma_port}"
            if self.chroma_host
            else (f"chroma {self.data_dir / 'chroma'}")
        )
        return {
            "data_dir": str(self.data_dir),
            "articles": articles,
            "chunks": chunks,
            "store": store,
            "collection": self.collection_name,
            "catalog": str(self.catalog.path),
            **self.catalog.get_meta(),
            "embedding_model": self.embedder.model_id,
            "embedding_backend": self.embedder.backend,
            "chunker": self.chunker.version,
        }

    def close(self) -> None:
        """Release the catalog."""
        if "catalog" in self.__dict__:
            self.catalog.close()


def _failure_json(failure: LoadFailure) -> dict[str, Any]:
    data = asdict(failure)
    data.pop("skipped")
    return data

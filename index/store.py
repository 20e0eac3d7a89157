"""The Chroma vector store: embedded on disk by default, or a `chroma run` server."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.models import Article, Chunk

MAX_BATCH = 5000
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class IndexMismatchError(RuntimeError):
    """The index was built with another embedding model or chunker."""


def chroma_client(data_dir: Path, host: str | None = None, port: int = 8000) -> Any:
    """A Chroma client with telemetry off: HTTP when `host` is set, else persistent on disk."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if host:
        return chromadb.HttpClient(host=host, port=port, settings=settings)
    return chromadb.PersistentClient(path=str(data_dir / "chroma"), settings=settings)


def collection_names(client: Any) -> set[str]:
    """The names of the collections a client can see."""
    return {c if isinstance(c, str) else c.name for c in client.list_collections()}


def fresh_client(open_client: Callable[[], Any]) -> Any:
    """A client that sees every process's writes so far.

    An embedded Chroma client keeps serving the vectors it loaded, so after another process has
    written, the cached system must be dropped and a new client made (measured with 1.5.9).
    Old clients stay usable by searches already running and are freed when those finish.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    return open_client()


def drop_deleted_segment_files(data_dir: Path) -> int:
    """Remove the index folders of deleted collections, which embedded Chroma 1.5 leaves on disk
    (chroma-core/chroma#5520); returns how many. Call holding the write lock."""
    folder = Path(data_dir) / "chroma"
    catalog = folder / "chroma.sqlite3"
    if not catalog.is_file():
        return 0
    db = sqlite3.connect(catalog)
    try:
        live = {row[0] for row in db.execute("SELECT id FROM segments")}
    finally:
        db.close()
    stale = [p for p in folder.iterdir() if p.is_dir() and _UUID.fullmatch(p.name)]
    stale = [p for p in stale if p.name not in live]
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    return len(stale)


@dataclass
class _Opened:
    """A client, its collection and its Chroma system, with the calls running on them."""

    client: Any
    collection: Any
    system: Any
    users: int = 0
    retired: bool = False


class VectorStore:
    """One Chroma collection of chunk vectors, documents and metadata.

    `reopen` swaps in a new client; calls already running finish on the old one, whose system is
    stopped when the last of them ends (an embedded system otherwise keeps its memory).
    """

    def __init__(self, client: Any, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._opened = _Opened(client, _open_collection(client, name), _system_of(client))

    @property
    def client(self) -> Any:
        """The current Chroma client."""
        return self._opened.client

    @property
    def collection(self) -> Any:
        """The current Chroma collection (for direct calls outside a concurrent reopen)."""
        return self._opened.collection

    def reopen(self, client: Any, name: str) -> None:
        """Point at `name` through `client`; the old client is released once no call uses it."""
        opened = _Opened(client, _open_collection(client, name), _system_of(client))
        with self._lock:
            old, self._opened, self.name = self._opened, opened, name
            old.retired = True
            idle = old.users == 0
        if idle:
            _stop(old)

    @contextmanager
    def _using(self) -> Iterator[Any]:
        """The current collection, kept open until the `with` block ends."""
        with self._lock:
            opened = self._opened
            opened.users += 1
        try:
            yield opened.collection
        finally:
            with self._lock:
                opened.users -= 1
                done = opened.retired and opened.users == 0
            if done:
                _stop(opened)

    @property
    def meta(self) -> dict[str, Any]:
        """What the collection records about how it was built."""
        with self._using() as collection:
            return dict(collection.metadata or {})

    def record_meta(self, values: dict[str, Any]) -> None:
        """Store build facts (model, dimension, chunker) on the collection."""
        with self._using() as collection:
            collection.modify(metadata={**(collection.metadata or {}), **values})

    def upsert(
        self, article: Article, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]
    ) -> None:
        """Write the vectors of one article's chunks."""
        metadatas = [_metadata(article, c) for c in chunks]
        with self._using() as collection:
            for i in range(0, len(chunks), MAX_BATCH):
                collection.upsert(
                    ids=[c.id for c in chunks[i : i + MAX_BATCH]],
                    embeddings=[list(v) for v in vectors[i : i + MAX_BATCH]],
                    documents=[c.text for c in chunks[i : i + MAX_BATCH]],
                    metadatas=metadatas[i : i + MAX_BATCH],
                )

    def delete(self, chunk_ids: Sequence[str]) -> None:
        """Remove vectors by chunk id (missing ids are ignored)."""
        with self._using() as collection:
            for i in range(0, len(chunk_ids), MAX_BATCH):
                collection.delete(ids=list(chunk_ids[i : i + MAX_BATCH]))

    def query(self, vector: Sequence[float], n: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the `n` nearest chunks."""
        if n <= 0:
            return []
        with self._using() as collection:
            result = collection.query(
                query_embeddings=[list(vector)], n_results=n, include=["distances"]
            )
        return [(i, 1.0 - d) for i, d in zip(result["ids"][0], result["distances"][0], strict=True)]

    def query_where(
        self, vector: Sequence[float], n: int, where: dict[str, Any] | None
    ) -> list[tuple[str, float]]:
        """Like `query`, restricted by a Chroma `where` clause on chunk metadata."""
        with self._using() as collection:
            result = collection.query(
                query_embeddings=[list(vector)], n_results=n, where=where, include=["distances"]
            )
        return [(i, 1.0 - d) for i, d in zip(result["ids"][0], result["distances"][0], strict=True)]

    def count(self) -> int:
        """Vectors held."""
        with self._using() as collection:
            return int(collection.count())

    def iter_ids(self, page: int = MAX_BATCH) -> Iterator[str]:
        """Every chunk id that has a vector, page by page."""
        offset = 0
        with self._using() as collection:
            while True:
                ids = collection.get(include=[], limit=page, offset=offset)["ids"]
                yield from ids
                if len(ids) < page:
                    return
                offset += len(ids)

    def documents(self, chunk_ids: Sequence[str]) -> dict[str, str]:
        """The stored document text of each chunk id that has a vector."""
        found: dict[str, str] = {}
        with self._using() as collection:
            for i in range(0, len(chunk_ids), MAX_BATCH):
                batch = list(chunk_ids[i : i + MAX_BATCH])
                got = collection.get(ids=batch, include=["documents"])
                found.update(zip(got["ids"], got["documents"], strict=True))
        return found


def _system_of(client: Any) -> Any:
    """The Chroma system behind a client (read now: clearing the cache hides it later)."""
    try:
        return client._system
    except (AttributeError, KeyError):
        return None


def _stop(opened: _Opened) -> None:
    """Release a retired client's system (its index in memory, its files)."""
    if opened.system is None:
        return
    try:
        opened.system.stop()
    except Exception:  # a system already stopped, or one Chroma cannot stop: nothing to free
        pass


def _open_collection(client: Any, name: str) -> Any:
    return client.get_or_create_collection(
        name=name,
        configuration={"hnsw": {"space": "cosine", "ef_search": 100}},
        embedding_function=None,
    )


def _metadata(article: Article, chunk: Chunk) -> dict[str, Any]:
    """Chunk metadata that LangChain retrievers and Chroma `where` filters can use."""
    meta: dict[str, Any] = {
        "article_id": article.id,
        "title": article.title,
        "chunk_index": chunk.index,
        "start": chunk.start,
        "end": chunk.end,
    }
    for key in ("outlet", "url", "author", "published_at"):
        value = getattr(article, key)
        if value:
            meta[key] = value
    if article.published_int:
        meta["published_int"] = article.published_int
    return meta

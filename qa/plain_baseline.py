"""The plain LangChain pipeline we measure ourselves against, built on the same articles.

RecursiveCharacterTextSplitter (1,000 characters, 200 overlap) + HuggingFaceEmbeddings on the
same bundled all-MiniLM-L6-v2 + Chroma (cosine), queried with the question text alone: what a
user gets from the LangChain tutorial. Its index is cached beside ours, keyed by the corpus.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from index.models import Article

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
COLLECTION = "plain"
BATCH = 256


@dataclass(frozen=True)
class PlainHit:
    """A chunk the plain pipeline returned: its article and text."""

    article_id: str
    text: str


class PlainPipeline:
    """The tutorial pipeline over one folder of articles (its vectors in `folder`)."""

    def __init__(self, folder: Path, model: str) -> None:
        self.folder = Path(folder)
        self.model = model
        self._store: Any = None

    def store(self) -> Any:
        """The LangChain Chroma store (opened once)."""
        if self._store is None:
            from chromadb.config import Settings
            from langchain_chroma import Chroma
            from langchain_huggingface import HuggingFaceEmbeddings

            embeddings = HuggingFaceEmbeddings(model_name=self.model)
            self._store = Chroma(
                collection_name=COLLECTION,
                embedding_function=embeddings,
                persist_directory=str(self.folder),
                collection_metadata={"hnsw:space": "cosine"},
                client_settings=Settings(anonymized_telemetry=False, is_persistent=True),
            )
        return self._store

    def count(self) -> int:
        """Chunks held (0 before the first build)."""
        if not (self.folder / "chroma.sqlite3").exists():
            return 0
        return int(self.store()._collection.count())

    def build(self, articles: Iterable[Article]) -> tuple[int, float]:
        """Split and embed every article; returns (chunks, seconds)."""
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        started = time.perf_counter()
        splitter = RecursiveCharacterTextSplitter(
            chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP
        )
        texts: list[str] = []
        metadatas: list[dict[str, str]] = []
        ids: list[str] = []
        for article in articles:
            for n, piece in enumerate(splitter.split_text(article.text)):
                texts.append(piece)
                metadatas.append({"article_id": article.id})
                ids.append(f"{article.id}-{n:04d}")
        store = self.store()
        for i in range(0, len(texts), BATCH):
            store.add_texts(texts[i : i + BATCH], metadatas[i : i + BATCH], ids=ids[i : i + BATCH])
        return len(texts), time.perf_counter() - started

    def search(self, question: str, n: int) -> list[PlainHit]:
        """The `n` nearest chunks to the question text."""
        docs = self.store().similarity_search(question, k=n)
        return [PlainHit(d.metadata["article_id"], d.page_content) for d in docs]


@dataclass(frozen=True)
class PlainBuild:
    """What building the plain index took (recorded beside it once the build finished)."""

    articles: int
    chunks: int
    ingest_s: float


def open_or_build(
    target: Path, model_path: str, articles: Callable[[], Iterable[Article]]
) -> tuple[PlainPipeline, PlainBuild, bool]:
    """The plain pipeline cached in `target`, built first unless a finished build is there.

    `build.json` is written last, so an interrupted build is thrown away and done again.
    Returns the pipeline, its build record and whether it was built now.
    """
    record = target / "build.json"
    build = _read_build(record)
    if build is not None:
        return PlainPipeline(target, model_path), build, False
    shutil.rmtree(target, ignore_errors=True)
    pipeline = PlainPipeline(target, model_path)
    started = time.perf_counter()
    todo = list(articles())
    chunks, _ = pipeline.build(todo)
    build = PlainBuild(len(todo), chunks, round(time.perf_counter() - started, 1))
    record.write_text(json.dumps(asdict(build)), encoding="utf-8")
    return pipeline, build, True


def _read_build(record: Path) -> PlainBuild | None:
    """The finished build's record; None when absent or unreadable (the build is redone)."""
    try:
        info = json.loads(record.read_text(encoding="utf-8"))
        return PlainBuild(int(info["articles"]), int(info["chunks"]), float(info["ingest_s"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def plain_index_dir(eval_root: Path, folder: Path, model: str) -> Path:
    """Where the plain index of a corpus is cached (one per corpus and model)."""
    import hashlib

    files = sorted(folder.glob("*_gcs.jsonl"))
    basis = "|".join(f"{p.name}:{p.stat().st_size}" for p in files)
    basis += f"|{model}|rcts-{CHUNK_SIZE}-{CHUNK_OVERLAP}"
    digest = hashlib.sha1(basis.encode()).hexdigest()[:10]
    return eval_root / f"{folder.name}-plain-{digest}"

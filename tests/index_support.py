"""Helpers for the tests that write one index from several real processes (not fixtures)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

FIXTURE_ARTICLES = REPO / "tests" / "fixtures" / "realtimeqa" / "articles.jsonl"


def fixture_records(start: int, stop: int) -> list[dict]:
    """RealTime QA fixture articles [start:stop] as plain records."""
    lines = FIXTURE_ARTICLES.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[start:stop]]


def short_records(start: int, stop: int, chars: int = 1500) -> list[dict]:
    """Fixture articles [start:stop], each cut to its paragraphs within `chars` characters (fewer
    chunks to embed: these tests are about processes, not about long texts)."""
    records = []
    for record in fixture_records(start, stop):
        kept, size = [], 0
        for paragraph in record["text"].split("\n"):
            if size + len(paragraph) > chars and kept:
                break
            kept.append(paragraph)
            size += len(paragraph) + 1
        records.append({**record, "text": "\n".join(kept)})
    return records


def write_jsonl(path: Path, records: list[dict]) -> Path:
    """Write records as JSON Lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def qa_command(*args: str) -> list[str]:
    """The real `qa` entry point as a command line."""
    return [sys.executable, "-m", "qa", *args]


def qa_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment for a `qa` process on `data_dir` (plus QA_TEST_CRASH_AT and friends)."""
    env = {k: v for k, v in os.environ.items() if k != "QA_TEST_CRASH_AT"}
    return {**env, "QA_DATA_DIR": str(data_dir), **extra}


def run(*args: str, data_dir: Path, timeout: float = 600, **extra: str):  # noqa: ANN201
    """Run `qa ARGS` in a fresh process and return the finished process."""
    return subprocess.run(
        qa_command(*args),
        capture_output=True,
        text=True,
        env=qa_env(data_dir, **extra),
        timeout=timeout,
    )


def articles_state(data_dir: Path) -> dict[str, str]:
    """Article id -> content hash, read straight from the catalog file."""
    db = sqlite3.connect(f"file:{data_dir / 'articles.sqlite'}?mode=ro", uri=True)
    try:
        return dict(db.execute("SELECT id, content_hash FROM articles"))
    finally:
        db.close()


def dense_findable(index) -> set[str]:  # noqa: ANN001
    """Committed chunk ids whose own vector brings them back from the dense search (so the vector
    is in the searchable index, not only in Chroma's tables)."""
    got = index.store.collection.get(include=["embeddings"])
    found: set[str] = set()
    vectors = list(got["embeddings"])
    for start in range(0, len(vectors), 100):
        batch = vectors[start : start + 100]
        result = index.store.collection.query(
            query_embeddings=[list(v) for v in batch], n_results=3, include=[]
        )
        for chunk_id, hits in zip(got["ids"][start : start + 100], result["ids"], strict=True):
            if chunk_id in hits:
                found.add(chunk_id)
    return found & set(index.catalog.existing_chunk_ids(got["ids"]))


def all_chunk_ids(index) -> set[str]:  # noqa: ANN001
    """Every committed chunk id."""
    return {r[0] for r in index.catalog.reader.execute("SELECT id FROM chunks")}

"""Shared fixtures: real model, real Chroma, a temp data dir per test, one prebuilt corpus."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

for _key, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
}.items():
    os.environ[_key] = _value

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
REALTIMEQA = SHARED / "data" / "realtimeqa"
SAMPLE = REPO / "samples" / "putin-xi-video-call.txt"
DISTRACTORS = 40
ANSWER_KEYS = {  # the `qa ask --json` / `/ask` object
    "question",
    "standalone_question",
    "answer",
    "refused",
    "citations",
    "passages",
    "backend",
    "timings_ms",
}


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One export cache for the session's ONNX models (exported on first use, then reused)."""
    folder = tmp_path_factory.mktemp("model-cache")
    os.environ["QA_MODEL_CACHE_DIR"] = str(folder)  # for `qa` processes started by session fixtures
    return folder


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_cache: Path) -> Path:
    """Each test gets its own data dir and no stray QA_* settings or .env file."""
    for key in list(os.environ):
        if key.startswith("QA_"):
            monkeypatch.delenv(key)
    data_dir = tmp_path / "data"
    monkeypatch.setenv("QA_DATA_DIR", str(data_dir))
    monkeypatch.setenv("QA_MODEL_CACHE_DIR", str(model_cache))
    monkeypatch.chdir(tmp_path)
    return data_dir


@pytest.fixture(scope="session")
def embedder(model_cache: Path):  # noqa: ANN201
    """The real bundled all-MiniLM-L6-v2 on the default backend, loaded once."""
    from index.embed import Embedder
    from qa.config import Settings

    backend = Settings.model_fields["embedding_backend"].default
    return Embedder(backend=backend, cache_dir=model_cache)


def realtimeqa_articles(limit: int) -> list[dict]:
    """The first `limit` distinct articles of 2024-01, as plain records."""
    seen: set[str] = set()
    records: list[dict] = []
    for path in sorted((REALTIMEQA / "2024-01").glob("*_gcs.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for item in json.loads(line)["search_result"]:
                if item["url"] in seen or not item.get("text"):
                    continue
                seen.add(item["url"])
                records.append(item)
                if len(records) == limit:
                    return records
    return records


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample article plus real distractor articles, as files."""
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    with (folder / "distractors.jsonl").open("w", encoding="utf-8") as out:
        for record in realtimeqa_articles(DISTRACTORS):
            out.write(json.dumps(record) + "\n")
    return folder


def run_qa(*args: str, data_dir: Path, stdin: str | None = None, check: bool = True):  # noqa: ANN201
    """Run the real `qa` entry point in a fresh process."""
    env = {**os.environ, "QA_DATA_DIR": str(data_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "qa", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"qa {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def built_index(
    tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path, model_cache: Path
) -> Path:
    """A data dir holding the corpus, built once by `qa ingest` in its own process."""
    data_dir = tmp_path_factory.mktemp("built") / "data"
    result = run_qa("ingest", str(corpus_dir), "--json", data_dir=data_dir)
    report = json.loads(result.stdout)
    assert report["added"] == DISTRACTORS + 1, report
    return data_dir


@pytest.fixture
def index_copy(built_index: Path, tmp_path: Path, embedder):  # noqa: ANN201
    """A private, writable copy of the prebuilt index."""
    from index.indexer import ArticleIndex

    data_dir = tmp_path / "copy"
    shutil.copytree(built_index, data_dir)
    index = ArticleIndex(data_dir, embedder)
    yield index
    index.close()


@pytest.fixture
def free_port() -> int:
    """A TCP port that is free on loopback right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

"""Shared fixtures: real model, real Chroma, a temp data dir per test, one prebuilt corpus.

Everything here comes from the repository. Only tests marked `data` read the team's benchmark
folders (../shared); they, and tests whose optional part is missing (`browser`, `llm`), skip with
the reason outside CI and fail under CI=true.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

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
FIXTURES = REPO / "tests" / "fixtures"
# The team's data folder; read only by `data` tests. QA_TEST_SHARED points elsewhere (read here,
# once, because each test starts with no QA_* variables).
SHARED = Path(os.environ.get("QA_TEST_SHARED") or REPO.parent / "shared")
REALTIMEQA = SHARED / "data" / "realtimeqa"
SAMPLE = REPO / "samples" / "putin-xi-video-call.txt"
FIXTURE_ARTICLES = FIXTURES / "realtimeqa" / "articles.jsonl"  # 40 distractors + 24 gold
WEEK = FIXTURES / "realtimeqa-week"  # one week: 10 questions x 3 Google results
CORPUS_ARTICLES = 65  # the sample plus the 64 fixture articles
CHROMIUM = Path(os.environ.get("QA_TEST_CHROMIUM") or "/usr/bin/chromium")
ANSWER_KEYS = {  # the `qa ask --json` / `/ask` object
    "question",
    "standalone_question",
    "answer",
    "refused",
    "citations",
    "passages",
    "backend",
    "timings_ms",
    "filters",
    "searched",
    "sentences",
    "unverified_sentences",
    "fallback",
}


def on_ci() -> bool:
    """Whether this run is CI's (`CI=true`), where nothing may skip."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def skip_or_fail(reason: str) -> NoReturn:
    """Skip for a missing optional part or data folder; under CI=true that is a failure."""
    if on_ci():
        pytest.fail(f"{reason} (required under CI=true)", pytrace=False)
    pytest.skip(reason)


def missing_data(*paths: str) -> str | None:
    """Why a `data` test cannot run: which of its ../shared paths is absent, and how to get it."""
    absent = [p for p in paths or ("data/realtimeqa",) if not (SHARED / p).exists()]
    if not absent:
        return None
    what = (
        "the team's RealTime QA folders in ../shared/data/realtimeqa"
        if absent[0].startswith("data/realtimeqa")
        else f"the team's ../shared/{absent[0]}"
    )
    return (
        f"needs {what} ({SHARED / absent[0]} is missing): put the team's `shared` folder beside "
        "the repository or set QA_TEST_SHARED=/path/to/shared"
    )


def missing_browser() -> str | None:
    """Why the browser tests cannot run, or None."""
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (run `make browser`)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (run `make setup`)"
    return None


def missing_llm() -> str | None:
    """Why the local-LLM tests cannot run, or None."""
    from qa.backends.llamacpp_local import bundled_gguf

    try:
        import xllamacpp  # noqa: F401
    except ImportError:
        return "xllamacpp is not installed (run `make setup-llm`)"
    if bundled_gguf() is None:
        return "the tiny GGUF model is not installed (run `make setup-llm`)"
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Check a test's data and optional parts before any fixture is built (an index, a server)."""
    for marker in item.iter_markers("data"):
        if reason := missing_data(*marker.args):
            skip_or_fail(reason)
    if item.get_closest_marker("browser") and (reason := missing_browser()):
        skip_or_fail(reason)
    if item.get_closest_marker("llm") and (reason := missing_llm()):
        skip_or_fail(reason)


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


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample article plus the 64 RealTime QA fixture articles, as files."""
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    shutil.copy(FIXTURE_ARTICLES, folder / "realtimeqa.jsonl")
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
    assert report["added"] == CORPUS_ARTICLES and not report["failed"], report
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
def ask(index_copy):  # noqa: ANN201
    """Ask with the extractive backend over a private copy of the prebuilt index."""
    from qa.answer import answer
    from qa.backends.registry import create_backend
    from qa.retrieve import Retriever

    retriever = Retriever(index_copy)
    backend = create_backend("extractive")

    def run(question: str, **kwargs):  # noqa: ANN202
        return answer(question, retriever=retriever, backend=backend, **kwargs)

    return run


@pytest.fixture
def free_port() -> int:
    """A TCP port that is free on loopback right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

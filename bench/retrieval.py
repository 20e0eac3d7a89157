"""Retrieval latency with query embedding: ours (hybrid) vs plain LangChain dense search."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from benchlib import (
    WARMUP_QUERIES,
    index_spec,
    latency,
    log,
    markdown_table,
    model_path,
    num,
    prime_files,
    prime_imports,
    run_worker,
    worker_main,
)


def _open(spec: dict[str, Any]) -> tuple[Any, list[str]]:
    """The index (read only by search) and the first `n` question texts."""
    from qa.config import Settings, build_index
    from qa.evaluate import load_questions

    index = build_index(Settings(data_dir=Path(spec["index"])))
    index.check_compatible()
    questions = [q.text for q in load_questions(Path(spec["questions"]))][: spec["n"]]
    if not questions:
        raise SystemExit(f"no *_qa.jsonl questions in {spec['questions']}")
    return index, questions


def _time(search: Any, questions: list[str]) -> list[float]:
    """Milliseconds per call, after warming up on queries that are not measured."""
    for q in WARMUP_QUERIES:
        search(q)
    times = []
    for q in questions:
        started = time.perf_counter()
        search(q)
        times.append((time.perf_counter() - started) * 1000)
    return times


def ours_worker(spec: dict[str, Any]) -> dict[str, Any]:
    """`Retriever.search`: query embedding, dense + FTS5, fusion, diversity, passage fetch."""
    from qa.retrieve import Retriever

    index, questions = _open(spec)
    retriever = Retriever(index)
    parts: dict[str, list[float]] = {"dense": [], "lexical": []}

    def search(q: str) -> None:
        timings = retriever.search(q, k=spec["k"]).timings_ms
        for key, values in parts.items():
            values.append(timings[key])

    times = _time(search, questions)
    return {
        "ms": latency(times),
        "dense_p50": latency(parts["dense"][len(WARMUP_QUERIES) :])["p50"],
        "lexical_p50": latency(parts["lexical"][len(WARMUP_QUERIES) :])["p50"],
        "chunks": index.catalog.counts()[1],
        "queries": len(times),
    }


def plain_worker(spec: dict[str, Any]) -> dict[str, Any]:
    """LangChain `Chroma.similarity_search` with HuggingFaceEmbeddings on the same collection."""
    from langchain_chroma import Chroma
    from langchain_huggingface import HuggingFaceEmbeddings

    index, questions = _open(spec)
    store = Chroma(
        client=index.store.client,
        collection_name=index.store.name,
        embedding_function=HuggingFaceEmbeddings(model_name=model_path()),
    )
    times = _time(lambda q: store.similarity_search(q, k=spec["k"]), questions)
    return {"ms": latency(times), "chunks": index.store.count(), "queries": len(times)}


def render(ours: dict[str, Any], plain: dict[str, Any], index: Path) -> str:
    """The markdown report."""
    rows = [
        [name, f"{r['chunks']:,}", r["queries"], *(num(r["ms"][k]) for k in ("p50", "p95", "mean"))]
        + [num(r["peak_rss_mb"], 0)]
        for name, r in (("ours (hybrid)", ours), ("plain LangChain dense", plain))
    ]
    headers = ["retrieval, k=5", "chunks", "queries", "p50 ms", "p95 ms", "mean ms", "RSS MiB"]
    note = (
        f"Index {index}. Times include embedding the question. Ours p50: dense "
        f"{num(ours['dense_p50'])} ms (embedding + Chroma + SQLite gate) and, on a second thread "
        f"at the same time, lexical {num(ours['lexical_p50'])} ms. Each ran in a fresh process "
        "after 3 warm-up queries; "
        f"1-minute load average at start: ours {ours['load']:.1f}, plain {plain['load']:.1f}."
    )
    return markdown_table(headers, rows) + "\n\n" + note


def main() -> None:
    """Run both pipelines in fresh processes on the same index and questions."""
    spec = index_spec(__doc__, "time")
    log("priming the file cache (imports, index files)…")
    prime_imports()
    prime_files(Path(spec["index"]))
    log("ours…")
    ours = run_worker("retrieval.py", "ours", spec)
    log("plain LangChain…")
    plain = run_worker("retrieval.py", "plain", spec)
    print(render(ours, plain, Path(spec["index"])))


if __name__ == "__main__":
    if not worker_main({"ours": ours_worker, "plain": plain_worker}, sys.argv[1:]):
        main()

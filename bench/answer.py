"""End-to-end extractive answer latency (retrieve + generate + citations) on an existing index."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from benchlib import (
    WARMUP_QUERIES,
    index_spec,
    latency,
    log,
    markdown_table,
    num,
    prime_files,
    run_worker,
    worker_main,
)


def ours_worker(spec: dict[str, Any]) -> dict[str, Any]:
    """`qa.answer.answer` with the extractive backend; the timings it reports itself."""
    from qa.answer import answer
    from qa.backends.registry import create_backend
    from qa.config import Settings, build_index
    from qa.evaluate import load_questions
    from qa.retrieve import Retriever

    index = build_index(Settings(data_dir=Path(spec["index"])))
    index.check_compatible()
    retriever = Retriever(index)
    backend = create_backend("extractive")
    questions = [q.text for q in load_questions(Path(spec["questions"]))][: spec["n"]]
    if not questions:
        raise SystemExit(f"no *_qa.jsonl questions in {spec['questions']}")
    for q in WARMUP_QUERIES:
        answer(q, retriever=retriever, backend=backend, k=spec["k"])
    timings: dict[str, list[float]] = {"total": [], "generate": [], "retrieve": []}
    refused = 0
    for q in questions:
        result = answer(q, retriever=retriever, backend=backend, k=spec["k"])
        refused += result.refused
        for key, values in timings.items():
            values.append(result.timings_ms[key])
    return {
        "ms": {key: latency(values) for key, values in timings.items()},
        "chunks": index.catalog.counts()[1],
        "questions": len(questions),
        "refused": refused,
    }


def render(r: dict[str, Any], index: Path) -> str:
    """The markdown report."""
    ms = r["ms"]
    rows = [
        [label, num(ms[key]["p50"]), num(ms[key]["p95"]), num(ms[key]["mean"])]
        for label, key in (
            ("answer, end to end", "total"),
            ("generate (extractive)", "generate"),
            ("retrieve only (context)", "retrieve"),
        )
    ]
    note = (
        f"Index {index}: {r['chunks']:,} chunks; {r['questions']} questions, k=5, "
        f"{r['refused']} refused (generation is skipped when no passage is relevant). Times from "
        f"`Answer.timings_ms`; fresh process, 3 warm-up questions; peak RSS "
        f"{num(r['peak_rss_mb'], 0)} MiB."
    )
    return markdown_table(["extractive (ours)", "p50 ms", "p95 ms", "mean ms"], rows) + (
        "\n\n" + note
    )


def main() -> None:
    """Time answers in a fresh process on an existing index."""
    spec = index_spec(__doc__, "answer")
    prime_files(Path(spec["index"]))
    log("answering…")
    result = run_worker("answer.py", "ours", spec)
    print(render(result, Path(spec["index"])))


if __name__ == "__main__":
    if not worker_main({"ours": ours_worker}, sys.argv[1:]):
        main()

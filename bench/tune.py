"""Retrieval tuning: answer-recall@k and MRR of retrieval settings on one built index."""

from __future__ import annotations

import argparse
import dataclasses
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchlib import DEFAULT_CORPUS, latency, log, markdown_table, num, stay_offline

# Each trial changes one knob of the default RetrievalConfig (see qa/retrieve.py): fusion
# weights 1 : 1, RRF k 60, 40 candidates, ≤ 2 chunks per article, title weight 2, lexical words
# in ≤ 20 % of chunks, recency prior 0.25 over 90 days.
TRIALS: dict[str, dict[str, Any]] = {
    "default": {},
    "dense only": {"lexical_weight": 0.0},
    "lexical only": {"dense_weight": 0.0},
    "fusion dense 1 : lexical 0.5": {"lexical_weight": 0.5},
    "fusion dense 0.5 : lexical 1": {"dense_weight": 0.5},
    "fusion dense 1 : lexical 0.75": {"lexical_weight": 0.75},
    "rrf k 20": {"rrf_k": 20},
    "rrf k 120": {"rrf_k": 120},
    "candidates 20": {"candidates": 20},
    "candidates 80": {"candidates": 80},
    "≤ 1 chunk per article": {"per_article": 1},
    "≤ 3 chunks per article": {"per_article": 3},
    "no per-article cap": {"per_article": 1000},
    "BM25 title weight 1": {"title_weight": 1.0},
    "BM25 title weight 4": {"title_weight": 4.0},
    "lexical uses every word": {"max_df": 1.0},
    "lexical words in ≤ 30 % of chunks": {"max_df": 0.3},
    "lexical words in ≤ 10 % of chunks": {"max_df": 0.1},
    "no recency prior": {"recency_weight": 0.0},
    "recency 0.5, 90 days": {"recency_weight": 0.5, "recency_days": 90.0},
    "recency 0.5, 30 days": {"recency_weight": 0.5, "recency_days": 30.0},
    "recency 0.25, 365 days": {"recency_weight": 0.25, "recency_days": 365.0},
    "recency 0.5, 365 days": {"recency_weight": 0.5, "recency_days": 365.0},
}


DATE_LIMITS = {
    "until": ", published by the question's date",
    "week": ", published in the 7 days up to the question's date",
}


def date_filters(limit: str | None, day: str) -> Any:
    """No filter, or articles up to the question's date (`until`), or that date's week."""
    from qa.retrieve import make_filters

    if limit is None:
        return None
    since = date.fromisoformat(day) - timedelta(days=7) if limit == "week" else None
    return make_filters(since=since, until=day)


def score(
    index: Any, questions: list[Any], config: Any, k: int, limit: str | None
) -> dict[str, Any]:
    """Recall over passages and distinct articles, MRR and latency for one config."""
    from qa.evaluate import CHUNKS, retrieval_hits
    from qa.retrieve import Retriever

    retriever = Retriever(index, config)
    texts: dict[str, str] = {}

    def article_text(article_id: str) -> str:
        if article_id not in texts:
            stored = index.catalog.get(article_id)
            texts[article_id] = stored.article.text if stored else ""
        return texts[article_id]

    hits = {"passage_hit": 0.0, "article_hit": 0.0, "rr": 0.0}
    times = []
    for q in questions:
        filters = date_filters(limit, q.date)
        started = time.perf_counter()
        ranked = retriever.search(q.text, k=CHUNKS, filters=filters).passages
        times.append((time.perf_counter() - started) * 1000)
        for key, value in retrieval_hits(ranked, q.right, article_text, k).items():
            hits[key] += value
    n = max(1, len(questions))
    return {**{key: value / n for key, value in hits.items()}, "ms": latency(times)}


def main() -> None:
    """Score every trial on one index and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, required=True, help="a built data dir")
    parser.add_argument("--questions", type=Path, default=DEFAULT_CORPUS, help="RealTime QA folder")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--trials", nargs="*", help="trial names (default: all)")
    parser.add_argument(
        "--dated", action="store_true", help="also the default with date limits at the question"
    )
    args = parser.parse_args()
    stay_offline()
    from qa.config import Settings, build_index
    from qa.evaluate import load_questions
    from qa.retrieve import RetrievalConfig

    index = build_index(Settings(data_dir=args.index))
    index.check_compatible()
    questions = load_questions(args.questions)
    articles, chunks = index.catalog.counts()
    score(index, questions[:3], RetrievalConfig(), args.k, None)  # warm up model and caches
    rows = []
    for name in args.trials or TRIALS:
        config = dataclasses.replace(RetrievalConfig(), **TRIALS[name])
        limits = [None, *DATE_LIMITS] if args.dated and name == "default" else [None]
        for limit in limits:
            label = name + DATE_LIMITS.get(limit or "", "")
            log(f"{label}…")
            r = score(index, questions, config, args.k, limit)
            rows.append(
                [label, f"{r['article_hit']:.1%}", f"{r['passage_hit']:.1%}", f"{r['rr']:.3f}"]
                + [num(r["ms"]["p50"]), num(r["ms"]["p95"])]
            )
    k = args.k
    headers = ["trial", f"article@{k}", f"passage@{k}", f"MRR@{k}", "p50 ms", "p95 ms"]
    print(markdown_table(headers, rows))
    print(
        f"\n{args.questions.name}: {len(questions)} questions, {articles:,} articles, "
        f"{chunks:,} chunks; chunker {index.catalog.get_meta().get('chunker', '?')}."
    )


if __name__ == "__main__":
    main()

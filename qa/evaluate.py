"""RealTime QA evaluation: answer-recall@k, MRR, accuracy and latency, beside Google."""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class Question:
    """One multiple-choice news-quiz question and Google's search results for it."""

    id: str
    date: str
    text: str
    choices: list[str]
    answer: int
    google: list[str]

    @property
    def right(self) -> str:
        """The right choice's text."""
        return self.choices[self.answer]


def load_questions(folder: Path) -> list[Question]:
    """Each question of a RealTime QA folder once (by id), with its Google results in rank order."""
    google: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*_gcs.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                google[record["question_id"]] = [
                    r.get("text") or "" for r in record["search_result"]
                ]
    questions: dict[str, Question] = {}  # the first copy of an id wins (2023-H2 repeats 10)
    for path in sorted(folder.glob("*_qa.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            q = json.loads(line)
            questions.setdefault(
                q["question_id"],
                Question(
                    id=q["question_id"],
                    date=q["question_date"].replace("/", "-"),
                    text=q["question_sentence"],
                    choices=q["choices"],
                    answer=int(q["answer"][0]),
                    google=google.get(q["question_id"], []),
                ),
            )
    return list(questions.values())


def contains(text: str, choice: str) -> bool:
    """The answer-recall test: the choice's text appears, case-insensitively."""
    return choice.strip().lower() in text.lower()


def recall_at(texts: Sequence[str], choice: str, k: int) -> bool:
    """Whether any of the first `k` texts contains the choice."""
    return any(contains(t, choice) for t in texts[:k])


def reciprocal_rank(texts: Sequence[str], choice: str) -> float:
    """1/rank of the first text containing the choice, 0 when none does."""
    for rank, text in enumerate(texts, start=1):
        if contains(text, choice):
            return 1.0 / rank
    return 0.0


def names_only_right_choice(answer: str, choices: Sequence[str], right: int) -> bool:
    """Accuracy: the answer names the right choice and no wrong one."""
    if not contains(answer, choices[right]):
        return False
    return not any(contains(answer, c) for i, c in enumerate(choices) if i != right and c.strip())


def percentile(values: Sequence[float], pct: float) -> float:
    """The pct-th percentile (nearest rank), 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(len(ordered), rank) - 1]


class Hit(Protocol):
    """A retrieved chunk as the metrics read it (ours: `Passage`; plain: `PlainHit`)."""

    article_id: str
    text: str


CHUNKS = 50
"""Chunks each pipeline returns per question: articles are counted among these."""


def distinct_articles(ranked: Sequence[Hit], k: int) -> list[str]:
    """The first `k` distinct article ids in ranked chunks."""
    seen: list[str] = []
    for hit in ranked:
        if hit.article_id not in seen:
            seen.append(hit.article_id)
    return seen[:k]


def retrieval_hits(
    ranked: Sequence[Hit], right: str, article_text: Callable[[str], str], k: int
) -> dict[str, Any]:
    """Counted the same for every pipeline: whether the first `k` chunks as retrieved hold the
    right choice (passage recall), whether the first `k` distinct articles among the top
    `CHUNKS` chunks do (article recall), and the reciprocal rank of the first of those chunks
    that holds it (MRR)."""
    ranked = list(ranked)[:CHUNKS]
    texts = [h.text for h in ranked]
    articles = [article_text(a) for a in distinct_articles(ranked, k)]
    return {
        "passage_hit": recall_at(texts, right, k),
        "article_hit": recall_at(articles, right, k),
        "rr": reciprocal_rank(texts, right),
    }


Retrieve = Callable[[str, int, str | None], Sequence[Hit]]
"""question, chunks wanted, the user's clock (YYYY-MM-DD: the question's date) or None."""
AnswerText = Callable[[str], str]
ArticleText = Callable[[str], str]
PlainSearch = Callable[[str, int], Sequence[Hit]]


@dataclass(frozen=True)
class Baseline:
    """The plain pipeline to count beside ours: its search and how its index was built."""

    search: PlainSearch
    chunks: int
    ingest_s: float | None


_UNDEFINED = (
    "passage_recall", "mrr", "passage_recall_date_aware", "article_recall_date_aware",
    "mrr_date_aware", "accuracy", "retrieve_ms_p50", "retrieve_ms_p95", "answer_ms_p50",
    "answer_ms_p95",
)  # fmt: skip


def evaluate(
    questions: Sequence[Question],
    retrieve: Retrieve,
    answer: AnswerText,
    article_text: ArticleText,
    k: int,
    progress: Callable[[], None] | None = None,
    plain: Baseline | None = None,
) -> dict[str, Any]:
    """Ask every question; return the summary and per-question rows.

    The main figures use the question text alone (as Google was queried) with no date words
    read; the date-aware figures let ours read them with the question's date as the clock.
    """
    rows: list[dict[str, Any]] = []
    times: dict[str, list[float]] = {"retrieve": [], "answer": [], "plain": []}
    for q in questions:
        started = time.perf_counter()
        ranked = retrieve(q.text, CHUNKS, None)
        times["retrieve"].append((time.perf_counter() - started) * 1000)
        row: dict[str, Any] = {"id": q.id, "question": q.text, "right": q.right}
        row.update(retrieval_hits(ranked, q.right, article_text, k))
        aware = retrieval_hits(retrieve(q.text, CHUNKS, q.date), q.right, article_text, k)
        row.update({f"{key}_date_aware": value for key, value in aware.items()})
        if plain is not None:
            started = time.perf_counter()
            found = plain.search(q.text, CHUNKS)
            times["plain"].append((time.perf_counter() - started) * 1000)
            counted = retrieval_hits(found, q.right, article_text, k)
            row.update({f"plain_{key}": value for key, value in counted.items()})
        started = time.perf_counter()
        reply = answer(q.text)
        times["answer"].append((time.perf_counter() - started) * 1000)
        row["correct"] = names_only_right_choice(reply, q.choices, q.answer)
        row["google_hit"] = recall_at(q.google, q.right, k)
        row["answer"] = reply
        rows.append(row)
        if progress:
            progress()
    ours = {
        **_recall(rows, ""),
        **{f"{key}_date_aware": v for key, v in _recall(rows, "", "_date_aware").items()},
        "accuracy": _mean(rows, "correct"),
        **_latency("retrieve", times["retrieve"]),
        **_latency("answer", times["answer"]),
    }
    summary: dict[str, Any] = {"ours": ours}
    if plain is not None:
        recall = _recall(rows, "plain_")
        summary["plain"] = {
            **recall,
            # The plain pipeline reads no date words: the question's clock changes nothing.
            **{f"{key}_date_aware": value for key, value in recall.items()},
            "accuracy": None,  # it has no answerer of its own
            **_latency("retrieve", times["plain"]),
            "answer_ms_p50": None,
            "answer_ms_p95": None,
            "chunks": plain.chunks,
            "ingest_s": plain.ingest_s,
        }
    google = {key: None for key in _UNDEFINED}  # Google returned articles, not chunks
    google["article_recall"] = _mean(rows, "google_hit")
    summary["google"] = google
    summary.update({"k": k, "chunks_counted": CHUNKS, "questions": len(rows)})
    return {"summary": summary, "questions": rows}


def _mean(rows: Sequence[dict[str, Any]], key: str) -> float:
    return sum(bool(r[key]) for r in rows) / max(1, len(rows))


def _recall(rows: Sequence[dict[str, Any]], prefix: str, suffix: str = "") -> dict[str, float]:
    """Passage and article recall and MRR over the rows, from keys `prefix…suffix`."""
    return {
        "passage_recall": _mean(rows, f"{prefix}passage_hit{suffix}"),
        "article_recall": _mean(rows, f"{prefix}article_hit{suffix}"),
        "mrr": sum(r[f"{prefix}rr{suffix}"] for r in rows) / max(1, len(rows)),
    }


def _latency(name: str, values: Sequence[float]) -> dict[str, float]:
    return {
        f"{name}_ms_p50": statistics.median(values) if values else 0.0,
        f"{name}_ms_p95": percentile(values, 95),
    }


def google_recall(questions: Sequence[Question], k: int) -> float:
    """Google's own answer-recall@k over its per-question search results."""
    return sum(recall_at(q.google, q.right, k) for q in questions) / max(1, len(questions))

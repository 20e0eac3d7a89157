"""RealTime QA evaluation: answer-recall@k, MRR, accuracy and latency, beside Google."""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.models import Passage


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


def distinct_articles(passages: Sequence[Passage], k: int) -> list[str]:
    """The first `k` distinct article ids in ranked passages."""
    seen: list[str] = []
    for p in passages:
        if p.article_id not in seen:
            seen.append(p.article_id)
    return seen[:k]


def retrieval_hits(
    ranked: Sequence[Passage], right: str, article_text: Callable[[str], str], k: int
) -> dict[str, Any]:
    """Whether the top `k` passages, and the top `k` distinct articles, hold the right choice,
    and the reciprocal rank of the first passage that does."""
    passages = [p.text for p in ranked[:k]]
    articles = [article_text(a) for a in distinct_articles(ranked, k)]
    return {
        "passage_hit": recall_at(passages, right, k),
        "article_hit": recall_at(articles, right, k),
        "rr": reciprocal_rank(passages, right),
    }


Retrieve = Callable[[str, int, str | None], list[Passage]]  # question, n, until (YYYY-MM-DD)
AnswerText = Callable[[str], str]
ArticleText = Callable[[str], str]


def evaluate(
    questions: Sequence[Question],
    retrieve: Retrieve,
    answer: AnswerText,
    article_text: ArticleText,
    k: int,
    progress: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Ask every question; return the summary and per-question rows.

    Recall uses the question text alone, as Google was queried. A second article recall limits
    retrieval to articles published by the question's date (what a reader could have had).
    """
    rows: list[dict[str, Any]] = []
    retrieve_ms: list[float] = []
    answer_ms: list[float] = []
    for q in questions:
        started = time.perf_counter()
        ranked = retrieve(q.text, k * 3, None)
        retrieve_ms.append((time.perf_counter() - started) * 1000)
        hits = retrieval_hits(ranked, q.right, article_text, k)
        dated = retrieval_hits(retrieve(q.text, k * 3, q.date), q.right, article_text, k)
        started = time.perf_counter()
        reply = answer(q.text)
        answer_ms.append((time.perf_counter() - started) * 1000)
        rows.append(
            {
                "id": q.id,
                "question": q.text,
                "right": q.right,
                **hits,
                "article_hit_dated": dated["article_hit"],
                "correct": names_only_right_choice(reply, q.choices, q.answer),
                "google_hit": recall_at(q.google, q.right, k),
                "answer": reply,
            }
        )
        if progress:
            progress()
    n = max(1, len(rows))
    ours = {
        "passage_recall": sum(r["passage_hit"] for r in rows) / n,
        "article_recall": sum(r["article_hit"] for r in rows) / n,
        "mrr": sum(r["rr"] for r in rows) / n,
        "article_recall_dated": sum(r["article_hit_dated"] for r in rows) / n,
        "accuracy": sum(r["correct"] for r in rows) / n,
        "retrieve_ms_p50": statistics.median(retrieve_ms) if retrieve_ms else 0.0,
        "retrieve_ms_p95": percentile(retrieve_ms, 95),
        "answer_ms_p50": statistics.median(answer_ms) if answer_ms else 0.0,
        "answer_ms_p95": percentile(answer_ms, 95),
    }
    google = {"article_recall": sum(r["google_hit"] for r in rows) / n}
    summary = {"ours": ours, "google": google, "k": k, "questions": len(rows)}
    return {"summary": summary, "questions": rows}


def google_recall(questions: Sequence[Question], k: int) -> float:
    """Google's own answer-recall@k over its per-question search results."""
    return sum(recall_at(q.google, q.right, k) for q in questions) / max(1, len(questions))

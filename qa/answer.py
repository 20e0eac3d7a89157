"""Question in, cited answer out: rewrite → retrieve → generate → verify citations."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

from index.catalog import Filters
from qa.citations import build_citations, strip_invalid_markers
from qa.models import Answer
from qa.prompting import REFUSAL
from qa.relevance import MIN_SIMILARITY, is_answerable
from qa.retrieve import Retriever

_REFUSAL_PATTERN = re.compile(
    r"\b(do(es)? not (say|mention|answer|contain)|don't (say|mention)|no information|"
    r"not (mentioned|stated)|cannot (answer|find))\b",
    re.I,
)


def answer_stream(
    question: str,
    *,
    retriever: Retriever,
    backend: Any,
    history: list[dict[str, str]] | None = None,
    k: int = 5,
    filters: Filters | None = None,
    min_similarity: float = MIN_SIMILARITY,
) -> Iterator[str | Answer]:
    """Yield answer text as it is generated, then the finished `Answer`."""
    started = time.perf_counter()
    question = question.strip()
    if not question:
        raise ValueError("the question is empty")
    history = [t for t in history or [] if t.get("role") in ("user", "assistant")]
    standalone = backend.rewrite_followup(question, history) if history else question
    t_rewrite = time.perf_counter()
    retrieval = retriever.search(standalone, k=k, filters=filters)
    t_retrieved = time.perf_counter()
    passages = retrieval.passages
    text = ""
    if is_answerable(standalone, passages, retrieval.best_similarity, min_similarity):
        for token in backend.generate(standalone, passages, history):
            text += token
            yield token
    t_generated = time.perf_counter()
    text = strip_invalid_markers(text, {p.n for p in passages}).strip()
    citations = build_citations(text, passages) if text else []
    refused = not citations and (not text or bool(_REFUSAL_PATTERN.search(text)))
    if refused:
        if not text:
            yield REFUSAL
        text = REFUSAL if not text else text
        citations = []
    timings = {
        "rewrite": (t_rewrite - started) * 1000,
        "retrieve": (t_retrieved - t_rewrite) * 1000,
        "generate": (t_generated - t_retrieved) * 1000,
        "total": (time.perf_counter() - started) * 1000,
    }
    yield Answer(
        question=question,
        standalone_question=standalone,
        answer=text,
        refused=refused,
        citations=citations,
        passages=passages,
        backend=backend.name,
        timings_ms=timings,
    )


def answer(question: str, **kwargs: Any) -> Answer:
    """The finished answer (same arguments as `answer_stream`)."""
    for item in answer_stream(question, **kwargs):
        if isinstance(item, Answer):
            return item
    raise AssertionError("answer_stream ended without an Answer")

"""Question in, cited answer out: rewrite → retrieve → generate → verify citations."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from index.catalog import Filters
from qa.citations import strip_invalid_markers
from qa.config import Settings
from qa.errors import EmptyIndexError, QAError
from qa.models import Answer, Passage
from qa.prompting import REFUSAL
from qa.question import SpeakerQuestion
from qa.reading import read_question
from qa.relevance import MIN_SIMILARITY, is_answerable
from qa.retrieve import Retriever
from qa.untrusted import clean_question
from qa.verified import (
    fallback,
    passage_facts,
    sentences_json,
    stream_sentences,
    unverified,
    verify,
)
from qa.verify import missing_names

_REFUSAL_PATTERN = re.compile(
    r"\b(do(es)? not (say|mention|answer|contain|quote)|don't (say|mention)|no information|"
    r"not (mentioned|stated)|cannot (answer|find))\b",
    re.I,
)
_LIMITS = Settings.model_fields
MAX_QUESTION_CHARS: int = _LIMITS["max_question_chars"].default
MAX_HISTORY_TURNS: int = _LIMITS["max_history_turns"].default
MAX_HISTORY_CHARS: int = _LIMITS["max_history_chars"].default


class QuestionError(QAError, ValueError):
    """A question the answering path refuses: empty, or longer than the limit."""


class QuestionTooLongError(QuestionError):
    """The question is longer than `max_question_chars`."""

    def __init__(self, length: int, limit: int) -> None:
        self.length = length
        self.limit = limit
        super().__init__(
            f"the question is {length:,} characters long; the limit is {limit:,} "
            "(QA_MAX_QUESTION_CHARS): shorten it"
        )

    def public_message(self) -> str:
        """Visitors are told the limit, not the operator's setting."""
        return f"The question is too long ({self.length:,} characters; at most {self.limit:,})."


def prepare_question(question: str, max_chars: int = MAX_QUESTION_CHARS) -> str:
    """The question's words for retrieval and answering (markup removed), or QuestionError."""
    question = question.strip()
    if len(question) > max_chars:
        raise QuestionTooLongError(len(question), max_chars)
    clean = clean_question(question)
    if not clean:
        tail = " once markup is removed" if question else ""
        raise QuestionError(f"the question is empty{tail}")
    return clean


def limit_history(
    history: list[dict[str, str]] | None,
    max_turns: int = MAX_HISTORY_TURNS,
    max_chars: int = MAX_HISTORY_CHARS,
) -> list[dict[str, str]]:
    """The last `max_turns` messages, each cut to `max_chars`; markup removed from user turns."""
    turns = [t for t in history or [] if t.get("role") in ("user", "assistant")]
    kept = turns[-max_turns:] if max_turns > 0 else []
    out = []
    for turn in kept:
        content = str(turn.get("content", ""))[:max_chars]
        if turn["role"] == "user":
            content = clean_question(content)
        out.append({"role": turn["role"], "content": content})
    return out


def quotes_speaker(asked: SpeakerQuestion | None, question: str, passages: list[Passage]) -> bool:
    """Whether the passages hold words of the person asked about, on the question's topic."""
    if asked is None:
        return False
    from qa.backends.speaker_answer import speaker_answer

    return speaker_answer(question, passages) is not None


def answer_stream(
    question: str,
    *,
    retriever: Retriever,
    backend: Any,
    history: list[dict[str, str]] | None = None,
    k: int = 5,
    filters: Filters | None = None,
    min_similarity: float = MIN_SIMILARITY,
    max_question_chars: int = MAX_QUESTION_CHARS,
    max_history_turns: int = MAX_HISTORY_TURNS,
    max_history_chars: int = MAX_HISTORY_CHARS,
    now: date | None = None,
) -> Iterator[str | Answer]:
    """Yield answer text as it is generated, then the finished `Answer`.

    Raises QuestionError for an empty or too long question, EmptyIndexError when nothing is
    indexed, and the backend's BackendUnavailableError when its server cannot answer.
    """
    started = time.perf_counter()
    question = question.strip()
    clean = prepare_question(question, max_question_chars)
    history = limit_history(history, max_history_turns, max_history_chars)
    standalone = backend.rewrite_followup(clean, history) if history else clean
    t_rewrite = time.perf_counter()
    reading = read_question(standalone, retriever.index, filters, now)
    asked = reading.speaker
    retrieval = retriever.search(
        standalone,
        k=k,
        filters=reading.filters,
        speakers=asked.names if asked else (),
        topic=asked.topic if asked else "",
        now=now,
    )
    t_retrieved = time.perf_counter()
    passages = retrieval.passages
    if not passages:
        _require_articles(retriever)
    facts = passage_facts(passages)
    raw: list[str] = []
    # Date words are a filter: "since January" names nothing a passage must mention.
    asked_about = reading.without_date_words(standalone)
    missing = missing_names(asked_about, passages) if passages else []
    # A sentence dating something in the question's date range answers "what happened in …".
    dated = reading.phrase is not None and any(p.dated for p in passages)
    answerable = (
        dated
        or is_answerable(asked_about, passages, retrieval.best_similarity, min_similarity)
        or quotes_speaker(asked, asked_about, passages)  # their words on the topic are here
    )
    if missing and answerable:  # "India–China trade" over passages about Russia and China
        note = wrong_entity_note(missing, passages)
        raw.append(note)
        yield note
    elif answerable:
        tokens = backend.generate(standalone, passages, history)
        yield from stream_sentences(tokens, passages, facts, raw)
    t_generated = time.perf_counter()
    text = strip_invalid_markers("".join(raw), {p.n for p in passages}).strip()
    verdicts, citations = verify(text, passages, facts)
    refused = not citations and (not text or bool(_REFUSAL_PATTERN.search(text)))
    if refused:
        if not text:
            yield REFUSAL
        text = REFUSAL if not text else text
        citations = []
        verdicts, _ = verify(text, passages, facts)
    doubtful = unverified(verdicts)
    spare = (
        fallback(standalone, passages, facts) if doubtful and backend.name != "extractive" else None
    )
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
        filters=reading.filters_json(),
        searched=reading.searched(),
        sentences=sentences_json(verdicts),
        unverified_sentences=doubtful,
        fallback=spare,
    )


def wrong_entity_note(missing: list[str], passages: list[Passage]) -> str:
    """Say which names the question asks about that the passages never mention."""
    names = " and ".join(missing)
    about = passages[0].title if passages else ""
    hint = f" The nearest article is “{about}”." if about else ""
    return f"The articles I have do not mention {names}.{hint}"


def _require_articles(retriever: Retriever) -> None:
    """An empty index is an error to fix, not a question the articles do not answer."""
    index = retriever.index
    if index.catalog.counts()[0] == 0:
        raise EmptyIndexError(Path(index.data_dir))


def answer(question: str, **kwargs: Any) -> Answer:
    """The finished answer (same arguments as `answer_stream`)."""
    for item in answer_stream(question, **kwargs):
        if isinstance(item, Answer):
            return item
    raise AssertionError("answer_stream ended without an Answer")

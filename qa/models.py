"""The nouns of answering: passages, citations and answers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class SpokenSpan:
    """Words an article attributes to someone, inside a passage (absolute article offsets)."""

    start: int
    end: int
    speaker: str
    named: bool
    direct: bool
    sentence_start: int
    sentence_end: int
    cue: str = ""  # the speech verb that attributed it ("told", "addressed", "continues …")


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk, numbered [n] for the answer, with its article's metadata."""

    n: int
    article_id: str
    chunk_id: str
    score: float
    text: str
    start: int
    end: int
    title: str
    outlet: str | None = None
    url: str | None = None
    published_at: str | None = None
    author: str | None = None
    flags: tuple[str, ...] = ()  # warnings about the passage itself, e.g. "suspicious"
    # What the ingest parse found here: quotes and speakers, names (with spaCy labels) and the
    # spans of sentences dating something inside the question's date range.
    spoken: tuple[SpokenSpan, ...] = ()
    names: tuple[tuple[str, str], ...] = ()
    dated: tuple[tuple[int, int], ...] = ()
    published_at_source: str | None = None  # "text": the date was inferred from the text

    def to_json(self) -> dict[str, Any]:
        """The passage as `qa ask --json` prints it."""
        keys = ("n", "article_id", "chunk_id", "score", "text", "start", "end", "flags")
        data = {k: getattr(self, k) for k in keys}
        data["score"] = round(self.score, 6)
        data["flags"] = list(self.flags)
        return data


@dataclass(frozen=True)
class Citation:
    """One (answer sentence, passage) pair and the exact quote that supports it."""

    n: int
    sentence: int
    article_id: str
    title: str
    outlet: str | None
    url: str | None
    published_at: str | None
    quote: str
    start: int
    end: int
    verified: bool
    speaker: str | None = None  # the stored speaker when the cited text is someone's words
    reason: str = ""  # why it is not verified ("" when it is)

    def to_json(self) -> dict[str, Any]:
        """The citation as `qa ask --json` prints it."""
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """A cited answer to a question, or a refusal with the nearest sources."""

    question: str
    standalone_question: str
    answer: str
    refused: bool
    citations: list[Citation]
    passages: list[Passage]
    backend: str
    timings_ms: dict[str, float] = field(default_factory=dict)
    # The filters the search used, those the question's date words added included (`Reading`).
    filters: dict[str, Any] = field(default_factory=dict)
    searched: str | None = None  # "searched articles from 2022-02-01 to 2022-02-28 (…)"
    # Each sentence with its verdict; the claims not verified; and, when a model's answer has
    # one, the verified extractive answer for the same passages (same shape, kept apart).
    sentences: list[dict[str, Any]] = field(default_factory=list)
    unverified_sentences: list[str] = field(default_factory=list)
    fallback: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The `qa ask --json` object."""
        return {
            "question": self.question,
            "standalone_question": self.standalone_question,
            "answer": self.answer,
            "refused": self.refused,
            "citations": [c.to_json() for c in self.citations],
            "passages": [p.to_json() for p in self.passages],
            "backend": self.backend,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "filters": self.filters,
            "searched": self.searched,
            "sentences": self.sentences,
            "unverified_sentences": self.unverified_sentences,
            "fallback": self.fallback,
        }

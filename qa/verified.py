"""Answers shown one verified sentence at a time; the verified extractive answer as a fallback.

The backend's own text stays the answer (`Answer.answer`, `citations`); what a reader sees is
each finished sentence as soon as it is checked, an unverified one marked with ⚠ and its reason.
When a model's answer has an unverified claim, the extractive answer for the same passages is
offered beside it (`Answer.fallback`), never mixed into its citations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from qa.citations import citations_from
from qa.models import Citation, Passage
from qa.verify import PassageFacts, SentenceVerdict, StoredQuote, verify_answer

# A sentence is finished when its stop (and any [n] markers after it) is followed by more text.
_FINISHED = re.compile(
    r"[.!?…][\"'”’)\]]*(?:[ \t]*\[\s*\d+(?:\s*,\s*\d+)*\s*\])*(?=\s+(?!\[\s*\d)\S)|\n"
)


def passage_facts(passages: Sequence[Passage]) -> dict[int, PassageFacts]:
    """Per passage number: the stored quotes overlapping it (passage offsets, clipped), its
    article's date."""
    return {p.n: PassageFacts(clipped_quotes(p.spoken, p), p.published_at) for p in passages}


def clipped_quotes(quotes: Iterable[Any], passage: Passage) -> tuple[StoredQuote, ...]:
    """The quotes (article offsets, with speaker and direct) overlapping the passage, clipped to
    it, in passage offsets: a quote may run across a chunk boundary."""
    return tuple(
        StoredQuote(
            max(q.start, passage.start) - passage.start,
            min(q.end, passage.end) - passage.start,
            q.speaker,
            q.direct,
        )
        for q in quotes
        if q.start < passage.end and q.end > passage.start
    )


def verify(
    text: str, passages: Sequence[Passage], facts: dict[int, PassageFacts]
) -> tuple[list[SentenceVerdict], list[Citation]]:
    """Every sentence's verdict, and the citations they make."""
    if not text.strip():
        return [], []
    verdicts = verify_answer(text, passages, facts)
    return verdicts, citations_from(verdicts, passages)


def shown(verdict: SentenceVerdict) -> str:
    """How a sentence reads in a stream: itself with its markers, and "⚠ not verified: …" when
    it is a claim that is not verified."""
    markers = "".join(f" [{n}]" for n in verdict.citations)
    flag = (
        "" if verdict.verified or verdict.kind == "note" else f" ⚠ not verified: {verdict.reason}"
    )
    return f"{verdict.text}{markers}{flag}"


def stream_sentences(
    tokens: Iterable[str],
    passages: Sequence[Passage],
    facts: dict[int, PassageFacts],
    raw: list[str],
) -> Iterator[str]:
    """Yield each finished sentence of the backend's stream once it is verified (its markers
    kept, an unverified one flagged); `raw` collects the backend's own text."""
    buffer = ""
    for token in tokens:
        raw.append(token)
        buffer += token
        cut = _last_finished(buffer)
        if cut:
            yield from _checked(buffer[:cut], passages, facts)
            buffer = buffer[cut:]
    if buffer.strip():
        yield from _checked(buffer, passages, facts)


def _last_finished(buffer: str) -> int:
    ends = [m.end() for m in _FINISHED.finditer(buffer)]
    return ends[-1] if ends else 0


def _checked(
    piece: str, passages: Sequence[Passage], facts: dict[int, PassageFacts]
) -> Iterator[str]:
    lead = piece[: len(piece) - len(piece.lstrip())]
    verdicts, _ = verify(piece, passages, facts)
    if not verdicts:
        if piece.strip():
            yield piece
        return
    for verdict in verdicts:
        yield f"{lead}{shown(verdict)}"
        lead = "\n" if "\n" in piece.strip() else " "
    tail = piece[len(piece.rstrip()) :]
    if tail:
        yield tail


def sentences_json(verdicts: Sequence[SentenceVerdict]) -> list[dict[str, Any]]:
    """The `sentences` list of `qa ask --json` and `/ask`."""
    return [v.to_json() for v in verdicts]


def unverified(verdicts: Sequence[SentenceVerdict]) -> list[str]:
    """The claim sentences that are not verified (notes never count)."""
    return [v.text for v in verdicts if v.kind == "claim" and not v.verified]


def fallback(question: str, passages: Sequence[Passage], facts: dict[int, PassageFacts]) -> dict:
    """The verified extractive answer for the same passages, shaped like an answer."""
    from qa.backends.extractive import ExtractiveBackend

    text = "".join(ExtractiveBackend().generate(question, list(passages))).strip()
    verdicts, citations = verify(text, passages, facts)
    return {
        "answer": text,
        "citations": [c.to_json() for c in citations],
        "sentences": sentences_json(verdicts),
        "unverified_sentences": unverified(verdicts),
    }

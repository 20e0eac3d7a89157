"""Cited answers: parse the [n] markers and verify each sentence against its passages.

The verification itself lives in `qa.verify` (named structural checks, then the lexical
score); this module turns its verdicts into the `Citation`s an `Answer` carries, and keeps the
lexical helpers other modules import from here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

from qa.models import Citation, Passage
from qa.verify import PassageFacts, SentenceVerdict, verify_answer
from qa.verify.lexical import (
    LIGHT,
    POLARITY,
    SPEECH,
    STOPWORDS,
    VERIFY_THRESHOLD,
    Term,
    stem,
    support_score,
    terms,
)
from qa.verify.markers import drop_sources_block, parse_markers, strip_invalid_markers
from qa.verify.support import find_quote

__all__ = [
    "LIGHT",
    "POLARITY",
    "SPEECH",
    "STOPWORDS",
    "VERIFY_THRESHOLD",
    "Term",
    "build_citations",
    "citations_from",
    "drop_sources_block",
    "find_quote",
    "parse_markers",
    "stem",
    "strip_invalid_markers",
    "support_score",
    "terms",
]


def build_citations(
    answer: str,
    passages: Sequence[Passage],
    facts: Mapping[int, PassageFacts] | None = None,
    nlp: Any = None,
) -> list[Citation]:
    """One Citation per (answer sentence, cited passage) pair, each verified against the passage.

    `facts` gives, per passage number, the quotes ingest stored for it (for the speaker checks)
    and its article's date; without it the checks run without speakers.
    """
    return citations_from(verify_answer(answer, passages, facts, nlp), passages)


def citations_from(
    verdicts: Sequence[SentenceVerdict], passages: Sequence[Passage]
) -> list[Citation]:
    """The Citations of already verified sentences (see `qa.verify.verify_answer`)."""
    by_n = {p.n: p for p in passages}
    optional = {f.name for f in fields(Citation)} & {"speaker", "reason"}
    out = []
    for verdict in verdicts:
        for check in verdict.checks:
            passage = by_n[check.n]
            extra = {name: getattr(check, name) for name in optional}
            out.append(
                Citation(
                    n=check.n,
                    sentence=verdict.index,
                    article_id=passage.article_id,
                    title=passage.title,
                    outlet=passage.outlet,
                    url=passage.url,
                    published_at=passage.published_at,
                    quote=check.quote,
                    start=passage.start + check.start,
                    end=passage.start + check.end,
                    verified=check.verified,
                    **extra,
                )
            )
    return out

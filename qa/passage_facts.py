"""What the ingest parse knows about retrieved passages: who speaks in them, which names they
hold, and which of their sentences date something in the question's range."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from index import facts
from index.catalog import Filters
from qa.models import Passage, SpokenSpan


def with_facts(passages: list[Passage], catalog: Any, filters: Filters) -> list[Passage]:
    """The passages with their spoken spans (every stored quote overlapping them, in article
    offsets), names and dated sentences filled in."""
    if not passages:
        return passages
    db = catalog.reader
    ids = {p.article_id for p in passages}
    quotes = facts.quotes_of(db, ids)
    names = facts.entities_of(db, ids)
    dated: list[tuple[str, int, int, int, int]] = []
    if filters.dated is not None:
        low, high = filters.dated[0] or 0, filters.dated[1] or 99991231
        dated = facts.dated_sentences(db, low, high, ids)
    out = []
    for p in passages:
        spoken = tuple(
            SpokenSpan(
                q.start,
                q.end,
                q.speaker,
                q.named,
                q.direct,
                q.sentence_start,
                q.sentence_end,
                q.cue,
            )
            for q in quotes.get(p.article_id, ())
            if q.start < p.end and p.start < q.end  # a quote may run across a chunk edge
        )
        held = tuple(
            sorted({(n, label) for n, label in names.get(p.article_id, ()) if n in p.text})
        )
        spans = tuple(
            (s, e) for a, s, e, _, _ in dated if a == p.article_id and p.start <= s < p.end
        )
        out.append(replace(p, spoken=spoken, names=held, dated=spans))
    return out

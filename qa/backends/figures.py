"""When the chosen sentences of different articles give different figures for the same kind of
thing, the newest report leads and every one of them shows its date."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from qa.backends.speaker_answer import reported_on
from qa.models import Passage

# A figure: an amount with its currency or scale ("$245 billion", "12%", "1.5 million"), or a
# count with the noun it counts ("500 people"). Years and days of months are not figures.
_FIGURE = re.compile(
    r"(?P<currency>[$€£¥])?\s?(?P<value>\d[\d,]*(?:\.\d+)?)"
    r"(?:\s*(?P<scale>%|percent\b|per cent\b|trillion\b|billion\b|million\b|bn\b|tn\b))?"
    r"(?:[\s-]+(?P<noun>[A-Za-z]{3,}))?"
)
_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_NOT_NOUNS = frozenset(
    "and or to of in on at for the a an from than with by as per percent dollars".split()
)


class Chosen(Protocol):
    """A chosen answer sentence: its passage and its text."""

    @property
    def passage(self) -> Passage: ...

    @property
    def text(self) -> str: ...


def figures(text: str) -> dict[str, set[float]]:
    """The figures a sentence gives, by what they measure ("$ billion", "%", "people")."""
    found: dict[str, set[float]] = {}
    for match in _FIGURE.finditer(text):
        before = text[: match.start()].rstrip().rsplit(" ", 1)[-1].lower()
        currency, scale = match.group("currency") or "", (match.group("scale") or "").lower()
        noun = (match.group("noun") or "").lower()
        value = float(match.group("value").replace(",", ""))
        if before in _MONTHS or noun in _MONTHS:
            continue  # "January 21", "21 January"
        if not currency and not scale and (1900 <= value <= 2100 or noun in _NOT_NOUNS or not noun):
            continue  # a year, or a bare number with nothing it counts
        scale = {"percent": "%", "per cent": "%", "bn": "billion", "tn": "trillion"}.get(
            scale, scale
        )
        unit = " ".join(p for p in (currency, scale) if p) or noun.rstrip("s")
        found.setdefault(unit, set()).add(value)
    return found


def disagree(sentences: Sequence[Chosen]) -> bool:
    """Whether two sentences of differently dated articles give only different values for the
    same kind of figure."""
    seen = [(s.passage.article_id, s.passage.published_at, figures(s.text)) for s in sentences]
    for i, (article, day, found) in enumerate(seen):
        for other, other_day, other_found in seen[i + 1 :]:
            if article == other or not day or not other_day or day[:10] == other_day[:10]:
                continue
            if any(found[u].isdisjoint(other_found[u]) for u in found.keys() & other_found.keys()):
                return True
    return False


def newest_first(sentences: Sequence[Chosen]) -> list[Chosen]:
    """The sentences, newest article first (undated last), keeping reading order within one."""
    return sorted(sentences, key=lambda s: (s.passage.published_at or "")[:10], reverse=True)


def dated_lead_in(text: str, n: int, published_at: str | None) -> str:
    """`Reported 21 January 2025: "sentence" [n]` (the sentence as it is when undated)."""
    when = reported_on(published_at)  # "reported 21 January 2025"
    return f'{when[0].upper()}{when[1:]}: "{text}" [{n}]' if when else f"{text} [{n}]"


DIFFERENT_FIGURES = "The articles give different figures; the newest report comes first."

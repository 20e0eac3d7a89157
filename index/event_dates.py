"""Explicit dates written in article text ("February 2022", "Jan. 21, 2025", "in 2024").

Only dates that carry their year are taken: a weekday or "last week" needs outside knowledge to
place, and a date without a year needs a guess. Each date becomes a range (a year is its twelve
months, a month its days), so a question about "February 2022" matches a day inside it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from index.sentences import split_sentences

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_PATTERNS = [
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),  # February 24, 2022
    re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.I),  # 24 February 2022
    re.compile(rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}\b", re.I),  # February 2022
    re.compile(rf"\b{_YEAR}-(?P<mm>[01]\d)-(?P<dd>[0-3]\d)\b"),  # 2022-02-24
    # A bare year only after a word that makes it a time ("in 2024", "since 2019").
    re.compile(rf"\b(?:in|since|by|during|until|through|of|from|before|after)\s+{_YEAR}\b"),
]


@dataclass(frozen=True)
class EventDate:
    """A date the text states, as a range, with where it stands and its sentence."""

    start: int
    end: int
    date_from: str
    date_to: str
    sentence_start: int
    sentence_end: int


def explicit_dates(text: str) -> list[EventDate]:
    """Every explicit date in `text` (the most specific reading of each spot), in order."""
    found: list[tuple[int, int, date, date]] = []
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span("year") if _bare_year(match) else match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            dates = _range(match)
            if dates is not None:
                taken.append((start, end))
                found.append((start, end, *dates))
    sentences = split_sentences(text)
    out = []
    for start, end, first, last in sorted(found):
        s_start, s_end = next(((s, e) for s, e in sentences if s <= start < e), (start, end))
        out.append(EventDate(start, end, first.isoformat(), last.isoformat(), s_start, s_end))
    return out


def _bare_year(match: re.Match[str]) -> bool:
    return "month" not in match.groupdict() and "mm" not in match.groupdict()


def _range(match: re.Match[str]) -> tuple[date, date] | None:
    """The first and last day a matched date covers, or None when it is not a real date."""
    groups = match.groupdict()
    year = int(groups["year"])
    month = MONTHS[groups["month"].lower()] if groups.get("month") else None
    if groups.get("mm"):
        month = int(groups["mm"])
    day = groups.get("day") or groups.get("dd")
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        one = date(year, month, int(day))
        return one, one
    except ValueError:
        return None

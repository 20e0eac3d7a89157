"""Date words in a question ("in February 2022", "last week", "since January") as a date range.

Our own rules isolate the phrase; dateparser reads only that phrase (never free text, where
"Theresa May" or "the 47th" would become dates). A month or a year covers its whole range.
Relative words ("last week") count back from `now`: the newest indexed article's date unless
the user's clock is given.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_ABSOLUTE = (
    rf"(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d"  # February 24, 2022
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+(?:19|20)\d\d"  # 24 February 2022
    rf"|(?:{_MONTHS})\.?,?\s+(?:of\s+)?(?:19|20)\d\d"  # February 2022
    rf"|(?:{_MONTHS})\.?"  # February (this or last year)
    rf"|(?:19|20)\d\d(?:-\d\d-\d\d)?)"  # 2022, 2022-02-24
)
_UNITS = r"(?:day|days|week|weeks|month|months|year|years)"
_RELATIVE = (
    rf"(?:(?:last|past|previous)\s+(?:(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten)"
    rf"\s+)?(?P<unit>{_UNITS})|this\s+(?P<this>week|month|year)|yesterday|today)"
)
_EVENT = r"(?:the\s+)?(?P<event>[\w'’\- ]{3,60}?)"
_PHRASE = re.compile(
    rf"\b(?P<prep>in|on|during|since|after|before|until|till|by|from)\s+(?P<abs>{_ABSOLUTE})\b"
    rf"|\b(?P<rel>{_RELATIVE})\b"
    rf"|\b(?P<eprep>before|after|since|until)\s+(?P<det>the\s+)(?P<event>[a-z][\w'’\-]*"
    rf"(?:\s+[a-z][\w'’\-]*){{0,4}}?)(?=\s*(?:\?|$|,|\.|\band\b|\bor\b))",
    re.I,
)
_NUMBERS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}


@dataclass(frozen=True)
class DatePhrase:
    """A date phrase of a question and the range it means (None: an event to be dated)."""

    phrase: str
    start: date | None
    end: date | None
    event: str | None = None  # "the inauguration": dated only if an indexed sentence dates it
    relation: str = "in"  # in / since / before / after / until


def find_date_phrase(question: str, now: date) -> DatePhrase | None:
    """The first date phrase in a question, resolved against `now`."""
    for match in _PHRASE.finditer(question):
        if match.group("event"):
            relation = match.group("eprep").lower()
            return DatePhrase(match.group(0), None, None, match.group("event"), relation)
        if match.group("rel"):
            span = _relative(match, now)
            if span:
                return DatePhrase(match.group(0), *span)
            continue
        span = _absolute(match.group("abs"), now)
        if span is None:
            continue
        return DatePhrase(
            match.group(0),
            *_apply(match.group("prep").lower(), span, now),
            relation=match.group("prep").lower(),
        )
    return None


def without_date_words(question: str) -> str:
    """The question with its date phrase cut out: "What did Putin say last week?" → "What did
    Putin say?" (the phrase becomes a filter; its words are no topic and no name)."""
    phrase = find_date_phrase(question, date.today())
    return without_phrase(question, phrase.phrase) if phrase is not None else question


def without_phrase(question: str, phrase: str) -> str:
    """`question` with `phrase` (and the comma or space around it) removed."""
    at = question.find(phrase)
    if at < 0:
        return question
    rest = question[:at].rstrip(" ,") + " " + question[at + len(phrase) :].lstrip(" ,")
    return re.sub(r"\s+([?.!])", r"\1", " ".join(rest.split()))


def around_event(phrase: DatePhrase, event_date: date) -> DatePhrase:
    """The range an event phrase means once an indexed sentence dated the event."""
    start, end = _apply(phrase.relation, (event_date, event_date), date.max)
    return DatePhrase(phrase.phrase, start, end, phrase.event, phrase.relation)


def _apply(prep: str, span: tuple[date, date], now: date) -> tuple[date | None, date | None]:
    """The range a preposition makes of a date's span ("since 2020" runs to now)."""
    first, last = span
    if prep in ("since", "from"):
        return first, None
    if prep == "after":
        return last + timedelta(days=1), None
    if prep == "before":
        return None, first - timedelta(days=1)
    if prep in ("until", "till", "by"):
        return None, last
    return first, last


def _absolute(text: str, now: date) -> tuple[date, date] | None:
    """The whole day, month or year a phrase names (dateparser reads the phrase alone)."""
    import dateparser

    clean = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.strip(), flags=re.I).replace(" of ", " ")
    has_year = re.search(r"(19|20)\d\d", clean) is not None
    has_day = re.search(r"(^|\D)\d{1,2}(\D|$)", re.sub(r"(19|20)\d\d", "", clean)) is not None
    if re.fullmatch(r"(19|20)\d\d", clean):
        year = int(clean)
        return date(year, 1, 1), date(year, 12, 31)
    settings = {
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": _midnight(now),
        "PREFER_DAY_OF_MONTH": "first",
        "REQUIRE_PARTS": ["month"],
    }
    parsed = dateparser.parse(clean, languages=["en"], settings=settings)
    if parsed is None:
        return None
    day = parsed.date()
    if has_day and has_year or re.fullmatch(r"\d{4}-\d\d-\d\d", clean):
        return day, day
    year = day.year if has_year else (now.year if day.month <= now.month else now.year - 1)
    last = calendar.monthrange(year, day.month)[1]
    return date(year, day.month, 1), date(year, day.month, last)


def _relative(match: re.Match[str], now: date) -> tuple[date, date] | None:
    """last week / past 3 months / this year / yesterday / today, counted back from `now`."""
    text = match.group("rel").lower()
    if text == "today":
        return now, now
    if text == "yesterday":
        return now - timedelta(days=1), now - timedelta(days=1)
    if match.group("this"):
        unit = match.group("this")
        start = {
            "week": now - timedelta(days=now.weekday()),
            "month": now.replace(day=1),
            "year": now.replace(month=1, day=1),
        }[unit]
        return start, now
    raw = match.group("n")
    n = int(raw) if raw and raw.isdigit() else _NUMBERS.get((raw or "").lower(), 1)
    unit = match.group("unit").rstrip("s")
    days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * n
    return now - timedelta(days=days), now


def _midnight(day: date):  # noqa: ANN202
    from datetime import datetime

    return datetime(day.year, day.month, day.day)

"""Numbers and dates in a parsed sentence: value, unit (currency, percent, measure, rank) and
kind, so "$245 billion" and "245 billion dollars" agree and "177 kilometers" is not "177 miles"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from index.event_dates import MONTHS

_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_CARDINALS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
}
_ORDINAL_WORDS = {
    w: n
    for n, w in enumerate(
        "_ first second third fourth fifth sixth seventh eighth ninth tenth".split()
    )
    if n
}
_SCALES = frozenset("hundred thousand million billion trillion bn tn".split())
_UNITS = {
    **dict.fromkeys(("$", "dollar", "dollars", "usd", "us$"), "$"),
    **dict.fromkeys(("€", "euro", "euros"), "€"),
    **dict.fromkeys(("£",), "£"),
    **dict.fromkeys(("%", "percent", "pct", "percentage"), "%"),
    **dict.fromkeys(("mile", "miles", "mi"), "mile"),
    **dict.fromkeys(("km", "kilometer", "kilometers", "kilometre", "kilometres"), "km"),
    **dict.fromkeys(("a.m.", "p.m.", "am", "pm"), "clock"),
    **dict.fromkeys(("year", "years", "yr"), "year"),
    **dict.fromkeys(("month", "months"), "month"),
    **dict.fromkeys(("week", "weeks"), "week"),
    **dict.fromkeys(("day", "days"), "day"),
    **dict.fromkeys(("hour", "hours"), "hour"),
    **dict.fromkeys(("minute", "minutes"), "minute"),
    **dict.fromkeys(("foot", "feet", "ft"), "foot"),
    **dict.fromkeys(("acre", "acres"), "acre"),
    **dict.fromkeys(("degree", "degrees"), "degree"),
}
_NUMBER = re.compile(r"^\$?\d[\d,]*(?:\.\d+)?(?:st|nd|rd|th)?$")


@dataclass(frozen=True)
class Mention:
    """A number or date in a sentence: its value, unit, kind and position."""

    value: str
    unit: str | None
    kind: str  # count | money | percent | ordinal | date
    index: int
    text: str


def number_value(low: str) -> str | None:
    """ "1,250" → "1250", "47th"/"forty-seventh" → "47th", "two" → "2"; None if not a number."""
    if _NUMBER.match(low):
        raw = low.lstrip("$").replace(",", "")
        ordinal = re.match(r"^(\d+)(st|nd|rd|th)$", raw)
        if ordinal:
            return f"{ordinal.group(1)}th"
        if "." in raw:
            raw = raw.rstrip("0").rstrip(".")
        return raw
    if low in _CARDINALS and low != "one":
        return str(_CARDINALS[low])
    if low in _ORDINAL_WORDS:
        return f"{_ORDINAL_WORDS[low]}th"
    return None


def mention(token: Any, doc: Any) -> Mention | None:
    """The number or date `token` states, with its unit, or None."""
    low = token.lower_
    if low.rstrip(".") in MONTHS and _capitalized(token) and len(low) >= 3:
        day = next(
            (
                c
                for c in list(token.children) + [doc[token.i + 1]] * (token.i + 1 < len(doc))
                if c.i > token.i and c.like_num and len(c.text) <= 2
            ),
            None,
        )
        value = f"m{MONTHS[low.rstrip('.')]}" + (f"-{int(day.text)}" if day is not None else "")
        return Mention(value, None, "date", token.i, token.text)
    if low in _WEEKDAYS:
        return Mention(low, None, "date", token.i, token.text)
    value = number_value(low)
    if value is None:
        return None
    if low == "one" or (token.i > 0 and doc[token.i - 1].lower_.rstrip(".") in MONTHS):
        return None  # a month's day is part of the month mention
    if token.i + 1 < len(doc) and doc[token.i + 1].lower_.rstrip(".") in MONTHS:
        return None  # "28 September": the month carries the day
    if value.endswith("th"):
        return Mention(value, None, "ordinal", token.i, token.text)
    unit = _unit(token, doc)
    if unit is None and re.fullmatch(r"(1[89]|20)\d\d", value):
        return Mention(value, None, "date", token.i, token.text)
    kind = {"$": "money", "€": "money", "£": "money", "%": "percent"}.get(unit or "", "count")
    return Mention(value, unit, kind, token.i, token.text)


def _unit(token: Any, doc: Any) -> str | None:
    """The currency, percent or measure a number is given in ("$245 billion" → "$")."""
    before = doc[token.i - 1].lower_ if token.i > 0 else ""
    if before == "." and token.i > 1:
        before = doc[token.i - 2].lower_ + "."
    if before in ("no", "no.", "number", "#"):
        return "rank"  # "No. 4 Ohio State"
    if before in _UNITS and _UNITS[before] in ("$", "€", "£"):
        return _UNITS[before]
    if token.text.startswith("$"):
        return "$"
    after = [t.lower_ for t in doc[token.i + 1 : token.i + 5]]
    while after and (after[0] in _SCALES or after[0] in ("-", "per")):
        after = after[1:]
    if after[:1] == ["cent"]:
        return "%"
    return _UNITS.get(after[0]) if after else None


def _capitalized(token: Any) -> bool:
    text = token.text
    return bool(text) and text[0].isupper() and any(c.isalpha() for c in text)

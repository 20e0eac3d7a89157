"""Title and date for articles without metadata, taken only from evidence in the text.

A title is a real headline line when there is one, else the whole first sentence when it is
short enough to read as a title, else the file name; never a sentence cut mid-clause. A date is
taken only from a dateline or an explicit day-month-year near the top, never from a weekday or
a relative phrase, and the evidence's offsets are kept so a reader can check it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from index.event_dates import explicit_dates
from index.sentences import split_sentences

MAX_TITLE = 160  # a first sentence longer than this reads as text, not as a title
DATE_WINDOW = 300  # a publication date must stand within the first characters
_URLISH = re.compile(r"^(https?://|www\.)", re.I)
_DATELINE_LEAD = re.compile(r"[A-Z][A-Z .,'’()-]{1,60}\s+[—–-]\s+")


@dataclass(frozen=True)
class Inferred:
    """A value found in the text, and how."""

    value: str
    source: str  # "text" or "file"
    start: int | None = None
    end: int | None = None


def infer_title(text: str, source: str | None = None) -> Inferred | None:
    """A headline line, a whole short first sentence, or the file's name."""
    lines = [line.strip() for line in text.splitlines()]
    nonblank = [i for i, line in enumerate(lines) if line]
    if not nonblank:
        return None
    first = lines[nonblank[0]].lstrip("#").strip()
    followed = len(nonblank) > 1
    if followed and _is_headline(first):
        return Inferred(first, "text")
    # The first sentence with words in it ("---" on a line of its own is a rule, not a title).
    sentences = [(s, e) for s, e in split_sentences(text) if re.search(r"\w", text[s:e])]
    if sentences:
        start, end = sentences[0]
        lead = _DATELINE_LEAD.match(text, start, end)  # "MOSCOW, RUSSIA — " is no title
        start = lead.end() if lead else start
        rule = re.match(r"[-=*_~#\s]+(?=\w)", text[start:end])  # "---\nFirst line."
        start += rule.end() if rule else 0
        if end - start > MAX_TITLE:  # "Title. xxxx…" that the splitter kept as one sentence
            short = _SHORT_SENTENCE.match(text, start, end)
            end = start + len(short.group(1)) if short else end
        sentence = " ".join(text[start:end].split())
        if sentence and len(sentence) <= MAX_TITLE and sentence[-1:] in '.!?…"”’':
            return Inferred(sentence, "text", start, end)
    name = _file_title(source)
    return Inferred(name, "file") if name else None


def _is_headline(line: str) -> bool:
    """A short line that does not end like a sentence: a headline, not the first paragraph."""
    if not line or len(line) > MAX_TITLE or _URLISH.match(line):
        return False
    if line[-1] in ".,;:" and not line.endswith("..."):
        return False
    words = line.split()
    return 2 <= len(words) <= 25 and line[0].isupper() or line[0].isdigit()


def _file_title(source: str | None) -> str | None:
    """A readable title from a file name ("putin-xi-video-call.txt" → "putin xi video call")."""
    if not source or source.startswith("<"):
        return None
    stem = PurePath(source).stem
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words or None


def infer_date(text: str) -> Inferred | None:
    """A publication date from a dateline ("WASHINGTON, Jan. 5, 2024 —"), a date line of its
    own near the top, or "Published/Updated …"; a date inside the story is an event date."""
    for found in explicit_dates(text[:DATE_WINDOW]):
        if found.date_from != found.date_to:  # a whole day, not a month or a year
            continue
        line_start = text.rfind("\n", 0, found.start) + 1
        line_end = text.find("\n", found.end)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        before = text[line_start : found.start]
        dateline = _DATELINE.match(before) and _DASH.match(text[found.end : found.end + 4])
        if dateline or len(line.strip()) <= 80 or _STAMP.search(before):
            return Inferred(found.date_from, "text", found.start, found.end)
    return None


_SHORT_SENTENCE = re.compile(rf"([^\n]{{8,{MAX_TITLE}}}?[.!?])\s")
_DATELINE = re.compile(r"^\s*[A-Z][A-Z .,'’-]{1,60},?\s*(\(\w+\)\s*)?$")
_DASH = re.compile(r"\s*[—–-]")
_STAMP = re.compile(r"\b(published|updated|posted|dated)\b[^\n]{0,20}$", re.I)


def fallback_title(text: str) -> str:
    """When nothing reads as a title: the opening clause (cut at a clause boundary, never
    inside one), else "untitled"."""
    first = next(
        (line.strip().lstrip("#").strip() for line in text.splitlines() if line.strip()), ""
    )
    clause = re.match(r"(.{8,100}?)(?:[,;:]\s|\s[—–-]\s)", first)
    if clause:
        return clause.group(1).strip() + " …"
    return first if 0 < len(first) <= MAX_TITLE else "untitled"

"""Split text into sentences, keeping each one's character offsets."""

from __future__ import annotations

import re

# Closing quotes/brackets may follow the stop; the next sentence starts with a capital, digit or
# an opening quote. Newlines always end a sentence: news text puts paragraphs on their own lines.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])|\n")
# Chunks and stored parses are cut with this list, and their versions ("sent-v1", the quote
# extractor's) name it: a word added here would move boundaries in every built index.
STORED_ABBREVIATIONS = frozenset(
    (
        "mr mrs ms dr prof st jr sr gov sen rep gen lt col sgt capt no vs etc inc corp co ltd "
        "dept jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u a.m p.m d.c fig "
        "approx "
    ).split()
)
# Text split at answer time (answers, the passages they cite) is stored nowhere, so it reads
# with a fuller list: abbreviations that sit inside names and titles, almost never at an end.
ANSWER_ABBREVIATIONS = STORED_ABBREVIATIONS | frozenset("bros rev hon messrs supt mt".split())


def split_sentences(
    text: str, abbreviations: frozenset[str] = STORED_ABBREVIATIONS
) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences in `text`, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if match.group() != "\n" and _is_abbreviation(text, match.start(), abbreviations):
            continue
        _append_trimmed(text, start, end, spans)
        start = end
    _append_trimmed(text, start, len(text), spans)
    return spans


def _is_abbreviation(text: str, stop_at: int, abbreviations: frozenset[str]) -> bool:
    """True when the full stop at `stop_at` ends an abbreviation or an initial, not a sentence."""
    if text[stop_at] != ".":
        return False
    word = re.search(r"([\w.]+)$", text[max(0, stop_at - 12) : stop_at])
    if not word:
        return False
    token = word.group(1).lower()
    return token in abbreviations or (len(token) == 1 and token.isalpha())


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))

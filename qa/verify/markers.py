"""An answer's sentences and their [n] markers; model-written Sources blocks and badges removed.

A "[3]" that the article itself contains (copied with the sentence around it) is article text,
not a citation. An extractive lead-in line (`Vladimir Putin (reported 21 January 2025): "…"`)
is one sentence however many sentences its quote holds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from index.sentences import ANSWER_ABBREVIATIONS, split_sentences

MARKER = re.compile(r"[ \t]*\[\s*(\d+(?:\s*,\s*\d+)*)\s*\]")
LEAD_IN = re.compile(
    r"^(?P<speaker>[^\n()\[\]]{2,100}?) \((?:reported (?P<date>[^)\n]{4,40})|date unknown)\):"
    r"[ \t]+(?P<body>[“\"].*)$"
)
# "Reported 21 January 2025: "…" [1]": the article's date alone, set before a sentence when the
# cited articles give different figures (qa/backends/figures.py).
DATE_LEAD_IN = re.compile(r"^Reported (?P<date>[^:\n]{4,40}):[ \t]+(?P<body>[“\"].*)$")
_SOURCES_HEADING = re.compile(
    r"(?im)^[ \t]*(?:#+[ \t]*|\*\*|__)?(?:sources?|references?|citations?|works cited|"
    r"bibliography)(?:[ \t]+used)?(?:\*\*|__)?[ \t]*(?::|\*\*:|:\*\*|$)"
)
_SOURCE_LINE = re.compile(
    r"(?im)^[ \t]*(?:[-*•][ \t]*)?\[\d+\][^\n]*(?:\bverified\b|\bchars?\s+\d|https?://)[^\n]*$"
)
_BADGE = re.compile(
    r"[ \t]*(?:\((?:[✓✔⚠][ \t]*)?(?:not[ \t]+|un)?verified\b[^)\n]*\)|[✓✔][ \t]*verified\b|[✓✔])",
    re.I,
)
_CONTEXT = 30  # characters before a marker compared with the passages
_MIN_CONTEXT = 8


def parse_markers(
    answer: str, valid: set[int], texts: Sequence[str] = ()
) -> list[tuple[int, str, list[int]]]:
    """Split an answer into sentences: (index, text without markers, cited passage numbers).

    `texts` are the cited passages' texts: a marker that stands in them at the same place is
    article text and stays in the sentence.
    """
    clean, marks = _remove_markers(answer, valid, texts)
    spans = [(s, e) for s, e in _sentence_spans(clean) if any(c.isalnum() for c in clean[s:e])]
    cited: list[list[int]] = [[] for _ in spans]
    for pos, numbers in marks:
        # A marker belongs to the sentence it follows, even when it opens the next one.
        owner = max((i for i, (s, _) in enumerate(spans) if s < pos), default=0)
        if spans:
            cited[owner].extend(n for n in numbers if n not in cited[owner])
    return [(i, clean[s:e], cited[i]) for i, (s, e) in enumerate(spans)]


def strip_invalid_markers(answer: str, valid: set[int]) -> str:
    """Remove [n] markers that point at no passage, and any Sources block or verification
    badge the model wrote itself (the answer's sources and ✓ are ours to show)."""
    answer = drop_sources_block(answer)

    def keep(match: re.Match[str]) -> str:
        numbers = [int(x) for x in re.findall(r"\d+", match.group(1))]
        kept = [n for n in numbers if n in valid]
        if kept == numbers:
            return match.group(0)
        lead = match.group(0)[: match.start(1) - match.start(0)].split("[")[0]
        return f"{lead}[{', '.join(map(str, kept))}]" if kept else ""

    return MARKER.sub(keep, answer)


def drop_sources_block(answer: str) -> str:
    """The answer without a trailing "Sources:"/"References" block, source-list lines and
    "(verified …)" badges written by the model."""
    heading = _SOURCES_HEADING.search(answer)
    if heading:
        answer = answer[: heading.start()]
    answer = _SOURCE_LINE.sub("", answer)
    answer = _BADGE.sub("", answer)
    return answer.rstrip()


def split_lead_in(sentence: str) -> tuple[tuple[str, str | None] | None, str]:
    """(speaker, ISO date or None) and the quoted body of an extractive lead-in sentence, or
    (None, sentence) when it has none; a date-only lead-in has the speaker ""."""
    match = LEAD_IN.match(sentence.strip())
    if not match:
        dated = DATE_LEAD_IN.match(sentence.strip())
        return ("", _iso(dated.group("date"))) if dated else None, (
            dated.group("body") if dated else sentence
        )
    written = match.group("date")
    return (match.group("speaker").strip(), _iso(written) if written else None), match.group("body")


def _iso(text: str) -> str:
    """ "21 January 2025" → "2025-01-21" (the text itself when it is no such date)."""
    for pattern in ("%d %B %Y", "%B %d, %Y", "%Y-%m-%d", "%d %b %Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date().isoformat()
        except ValueError:
            continue
    try:
        return date.fromisoformat(text.strip()[:10]).isoformat()
    except ValueError:
        return text.strip()


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans; a lead-in line is one sentence."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped and (LEAD_IN.match(stripped) or DATE_LEAD_IN.match(stripped)):
            start = offset + line.index(stripped[0])
            spans.append((start, start + len(stripped)))
        else:
            spans += [
                (offset + s, offset + e) for s, e in split_sentences(line, ANSWER_ABBREVIATIONS)
            ]
        offset += len(line)
    return spans


def _remove_markers(
    answer: str, valid: set[int], texts: Sequence[str]
) -> tuple[str, list[tuple[int, list[int]]]]:
    """The answer without markers, and each marker's position in it with its valid numbers."""
    normalized = [" ".join(t.split()).lower() for t in texts]
    pieces: list[str] = []
    marks: list[tuple[int, list[int]]] = []
    last = length = 0
    for match in MARKER.finditer(answer):
        if _in_article(answer, match, normalized):
            continue
        pieces.append(answer[last : match.start()])
        length += match.start() - last
        marks.append(
            (length, [n for n in map(int, re.findall(r"\d+", match.group(1))) if n in valid])
        )
        last = match.end()
    pieces.append(answer[last:])
    return "".join(pieces), marks


def _in_article(answer: str, match: re.Match[str], normalized: list[str]) -> bool:
    """True when the marker and the words before it stand together in a passage."""
    if not normalized:
        return False
    before = answer[max(0, match.start() - _CONTEXT) : match.end()]
    if match.start() - _CONTEXT > 0 and " " in before:
        before = before[before.index(" ") + 1 :]  # start at a word boundary
    needle = " ".join(before.split()).lower()
    if len(needle) - len(match.group(0).strip()) < _MIN_CONTEXT:
        after = answer[match.start() : match.end() + _CONTEXT]
        needle = " ".join(after.split()).lower()
        if len(needle) < _MIN_CONTEXT + 3:
            return False
    return any(needle in text for text in normalized)

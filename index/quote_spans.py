"""Find quotation-mark spans in news text (no NLP): curly, straight and multi-paragraph quotes."""

from __future__ import annotations

import re
from dataclasses import dataclass

_OPENERS = {"“": "”", "«": "»", '"': '"', "‘": "’"}
_DOUBLE = '”"'  # texts mix curly and straight double quotes within one quotation
_BEFORE_OPEN = set(" \t\n([{—–-/:;,") | {"\u00a0"}
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+\S")


@dataclass(frozen=True)
class QuoteSpan:
    """The text between a pair of quotation marks: `text[start:end]`, marks excluded."""

    start: int
    end: int
    open_mark: int  # offset of the opening mark
    close_mark: int | None  # offset of the closing mark (None: the paragraph ended first)
    paragraph: int  # index of its paragraph
    opens_paragraph: bool  # the paragraph starts with this quote's opening mark
    continued: bool  # continues the previous paragraph's unclosed quote


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, trimmed: news text keeps one paragraph a line."""
    spans = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Every quotation in `text`, in order; quotes never cross paragraphs (they continue)."""
    found: list[QuoteSpan] = []
    carried = False  # the previous paragraph ended inside a quote
    for number, (p_start, p_end) in enumerate(paragraphs(text)):
        spans, still_open = _paragraph_quotes(text, p_start, p_end, number, carried)
        found.extend(spans)
        carried = still_open
    return [s for s in found if _has_words(text[s.start : s.end])]


def _paragraph_quotes(
    text: str, p_start: int, p_end: int, number: int, carried: bool
) -> tuple[list[QuoteSpan], bool]:
    """The quotes of one paragraph, and whether it ends inside an unclosed quote."""
    spans: list[QuoteSpan] = []
    open_at: int | None = None
    closer = ""
    continued = False
    i = p_start
    while i < p_end:
        c = text[i]
        if open_at is None:
            if _opens(text, i, p_start, p_end):
                open_at, closer = i, _OPENERS.get(c, "”")
                continued = carried and i == p_start
        elif (
            c == "“"
            and closer == "”"
            and _opens(text, i, p_start, p_end)
            and (cut := _unclosed_end(text, open_at, i))
        ):
            # A second opening mark while one is open: the first lost its closing mark.
            spans.append(_span(text, open_at, None, number, p_start, continued, end=cut))
            open_at = None
            continue
        elif c == closer or (closer in _DOUBLE and c in _DOUBLE):
            if closer == "’" and i + 1 < p_end and text[i + 1].isalpha():
                i += 1  # an apostrophe inside a single-quoted span
                continue
            if c == '"' and not _closes_straight(text, i, p_end):
                i += 1
                continue
            spans.append(_span(text, open_at, i, number, p_start, continued))
            open_at = None
        i += 1
    if open_at is None:
        return spans, False
    # News style: a quote running over paragraphs has no closing mark until its last paragraph.
    spans.append(_span(text, open_at, None, number, p_start, continued, end=p_end))
    return spans, True


def _opens(text: str, i: int, p_start: int, p_end: int) -> bool:
    """Whether the mark at `i` opens a quotation."""
    c = text[i]
    before = text[i - 1] if i > p_start else " "
    after = text[i + 1] if i + 1 < p_end else " "
    if c in "“«":
        return not after.isspace()
    if c == '"':
        return (before in _BEFORE_OPEN or i == p_start) and not after.isspace()
    if c == "‘":
        # A single quotation mark opens only where a matching close follows in the paragraph.
        return (before in _BEFORE_OPEN or i == p_start) and _single_closes(text, i, p_end)
    if c == "”":  # a curly close used as an opener at the start of a paragraph or after a space
        return (before in _BEFORE_OPEN or i == p_start) and after.isalnum()
    return False


def _unclosed_end(text: str, open_at: int, i: int) -> int | None:
    """Where a quote left open before the opening mark at `i` ends: after its last comma (or
    ? or !; a stray single mark may follow) before the attribution ("…Theaters,’ said …")."""
    for j in range(i - 1, open_at + 1, -1):
        if text[j] in ",?!":
            after = j + 2 if text[j + 1] in "’'" else j + 1  # the stray mark stays outside
            return j + 1 if text[after].isspace() else None
    return None


def _closes_straight(text: str, i: int, p_end: int) -> bool:
    """A straight quote closes when it follows text and is not glued to a following word."""
    after = text[i + 1] if i + 1 < p_end else " "
    return not after.isalnum() or after in "sS" and (i + 2 >= p_end or not text[i + 2].isalpha())


def _single_closes(text: str, i: int, p_end: int) -> bool:
    for j in range(i + 2, p_end):
        if text[j] == "’" and (j + 1 >= p_end or not text[j + 1].isalpha()):
            return True
        if text[j] in '“”"':
            return False
    return False


def _span(
    text: str,
    open_at: int,
    close_at: int | None,
    number: int,
    p_start: int,
    continued: bool,
    end: int | None = None,
) -> QuoteSpan:
    stop = close_at if close_at is not None else end
    assert stop is not None
    return QuoteSpan(
        start=open_at + 1,
        end=stop,
        open_mark=open_at,
        close_mark=close_at,
        paragraph=number,
        opens_paragraph=open_at == p_start,
        continued=continued,
    )


def _has_words(value: str) -> bool:
    return any(ch.isalnum() for ch in value)


_NAME_BEFORE = re.compile(r"(?:\n|[^.!?\s][ \t]+)(?:[A-Z]\.|[A-Z][\w'’-]*)[ \t]\Z")
_NAME_AFTER = re.compile(r"[ \t][A-Z]\w")


def is_nickname(text: str, span: QuoteSpan) -> bool:
    """A few quoted words inside a name: Gordon H. “Nick” Mueller, Dwayne "The Rock" Johnson."""
    words = text[span.start : span.end].split()
    if span.close_mark is None or not 0 < len(words) <= 3 or not words[0][:1].isupper():
        return False
    before = text[max(0, span.open_mark - 40) : span.open_mark]
    return bool(_NAME_BEFORE.search(before) and _NAME_AFTER.match(text, span.close_mark + 1))


def is_long(text: str) -> bool:
    """A quote is long (a statement of its own) with four or more words or a sentence break."""
    return len(text.split()) >= 4 or bool(_SENTENCE_END.search(text))

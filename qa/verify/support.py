"""Where a claim's support lies in its cited passages: verbatim, else the best sentence(s)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

from index.sentences import ANSWER_ABBREVIATIONS, split_sentences
from qa.models import Passage
from qa.verify.lexical import Term, scores, terms

_QUOTE_CHARS = "\"'“”‘’«»"
_NORMAL = {"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‛": "'", "«": '"', "»": '"'}
_TRANSLATE = str.maketrans(_NORMAL)
_CROSS_CANDIDATES = 4  # best sentences per passage tried in pairs across passages
MAX_WINDOW = 3  # adjacent sentences a claim may rest on
_TINY = 15  # a "sentence" this short ("My.") is a piece of the one before


@dataclass(frozen=True)
class Span:
    """A stretch of one cited passage: passage number and offsets in its text."""

    n: int
    start: int
    end: int


def find_quote(sentence: str, text: str) -> tuple[int, int]:
    """Offsets in `text` of the span supporting `sentence`: verbatim, else best sentence(s)."""
    verbatim = find_verbatim(sentence, text)
    if verbatim:
        return verbatim
    spans = sentences(text)
    windows = [spans[i : i + size] for size in (1, 2) for i in range(len(spans) - size + 1)]
    if not windows:
        return 0, 0
    claim_terms = terms(sentence)
    ranked = [(_rank(claim_terms, text, w), -i) for i, w in enumerate(windows)]
    best = windows[max(range(len(windows)), key=lambda i: ranked[i])]
    return best[0][0], best[-1][1]


def find_verbatim(sentence: str, text: str) -> tuple[int, int] | None:
    """Offsets of `sentence` in `text` (case, quote style and spacing aside), if it is there."""
    claim = sentence.strip().strip(_QUOTE_CHARS).strip()
    for variant in (claim, claim.rstrip(".!?,;:").rstrip(_QUOTE_CHARS).rstrip()):
        span = _find_normalized(variant, text) if len(variant) >= 12 else None
        if span:
            return span
    return None


def best_window(claim: str, passages: Sequence[Passage]) -> list[Span]:
    """The sentence(s) of `passages` that best support `claim`, in passage order.

    A verbatim match wins. Otherwise one sentence, two adjacent sentences of one passage, or,
    when several passages are cited, one sentence from each of two of them: a claim built from
    two sentences is supported only when both are cited.
    """
    for passage in passages:
        verbatim = find_verbatim(claim, passage.text)
        if verbatim:
            return [Span(passage.n, *verbatim)]
    claim_terms = terms(claim)
    by_passage = [[Span(p.n, s, e) for s, e in sentences(p.text)] for p in passages]
    texts = {p.n: p.text for p in passages}
    found = {s: terms(texts[s.n][s.start : s.end]) for spans in by_passage for s in spans}
    wanted = {t.key: "name" if t.capital else t.kind for t in claim_terms}
    useful = {s: {t.key for t in found[s] if t.key in wanted} for s in found}
    windows: list[list[Span]] = [[s] for spans in by_passage for s in spans]
    for spans in by_passage:
        for size in range(2, MAX_WINDOW + 1):
            windows += [spans[i : i + size] for i in range(len(spans) - size + 1)]
    for first, second in zip(by_passage, by_passage[1:], strict=False):
        top_a = _top(claim_terms, found, first)
        top_b = _top(claim_terms, found, second)
        windows += [[a, b] for a, b in product(top_a, top_b) if not _same_place(a, b, passages)]
    windows = [w for w in windows if len(w) == 1 or _all_contribute(wanted, useful, w)]
    if not windows:
        return []
    ranked = [(_rank_spans(claim_terms, found, w), -i) for i, w in enumerate(windows)]
    return windows[max(range(len(windows)), key=lambda i: ranked[i])]


def _all_contribute(
    wanted: dict[str, str], useful: dict[Span, set[str]], window: list[Span]
) -> bool:
    """Whether every sentence of a window supplies something of the claim the others lack: a
    name or number, or two words. A sentence that adds nothing (or one stray word) is padding
    that lets a claim borrow words from text it does not rest on."""
    found = [useful[s] for s in window]
    for i, keys in enumerate(found):
        others = set().union(*(f for j, f in enumerate(found) if j != i))
        own = keys - others
        if sum(2 if wanted[k] in ("num", "name") else 1 for k in own) < 2:
            return False
    return True


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a passage, with fragments ("Oh. My. Gawd.") joined to the sentence
    before them."""
    out: list[tuple[int, int]] = []
    for start, end in split_sentences(text, ANSWER_ABBREVIATIONS):
        if out and end - start < _TINY:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def context(window: Sequence[Span], passages: Mapping[int, Passage]) -> list[Span]:
    """The whole sentences a window stands in (a verbatim match may be part of one)."""
    out: list[Span] = []
    for span in window:
        text = passages[span.n].text
        around = [(s, e) for s, e in sentences(text) if s < span.end and span.start < e]
        if not around:
            around = [(span.start, span.end)]
        for s, e in around:
            whole = Span(span.n, min(s, span.start), max(e, span.end))
            if whole not in out:
                out.append(whole)
    return out


def span_text(span: Span, passages: Sequence[Passage]) -> str:
    """The text of `span`."""
    passage = next(p for p in passages if p.n == span.n)
    return passage.text[span.start : span.end]


def _top(claim_terms: list[Term], found: dict[Span, list[Term]], spans: list[Span]) -> list[Span]:
    ranked = sorted(spans, key=lambda s: _rank_spans(claim_terms, found, [s]), reverse=True)
    return ranked[:_CROSS_CANDIDATES]


def _same_place(a: Span, b: Span, passages: Sequence[Passage]) -> bool:
    """True when two spans are the same article text (overlapping chunks of one article)."""
    pa = next(p for p in passages if p.n == a.n)
    pb = next(p for p in passages if p.n == b.n)
    return pa.article_id == pb.article_id and pa.start + a.start == pb.start + b.start


def _rank(claim_terms: list[Term], text: str, spans: list[tuple[int, int]]) -> tuple[float, ...]:
    return scores(claim_terms, terms(" ".join(text[s:e] for s, e in spans)))


def _rank_spans(
    claim_terms: list[Term], found: dict[Span, list[Term]], window: list[Span]
) -> tuple[float, ...]:
    held = found[window[0]] if len(window) == 1 else [t for s in window for t in found[s]]
    score, coverage = scores(claim_terms, held)
    return score, coverage, -len(window)


def _find_normalized(claim: str, text: str) -> tuple[int, int] | None:
    """Offsets of `claim` in `text`, ignoring case, curly-vs-straight quotes and whitespace runs."""
    needle, _ = normalize(claim)
    if not needle.strip() or needle not in _quick(text):
        return None
    hay, where = normalize(text)
    at = hay.find(needle)
    if at < 0:
        return None
    return where[at], where[at + len(needle) - 1] + 1


@lru_cache(maxsize=1024)
def _quick(text: str) -> str:
    """`normalize`'s text without the offsets (fast: a miss needs no offsets)."""
    return " ".join(text.translate(_TRANSLATE).split()).lower()


@lru_cache(maxsize=1024)
def normalize(text: str) -> tuple[str, list[int]]:
    """Normalized text and, for each of its characters, the offset it came from."""
    chars: list[str] = []
    where: list[int] = []
    for i, c in enumerate(text):
        if c.isspace():
            if chars and chars[-1] == " ":
                continue
            c = " "
        for piece in _NORMAL.get(c, c).lower():
            chars.append(piece)
            where.append(i)
    return "".join(chars), where

"""Pure HTML formatting for the chat: marker links, source cards, highlighted quotes.

Everything that comes from an article (text, title, outlet, quote, URL) is untrusted: it is
escaped here and nowhere else, so the Gradio side only ever receives finished, safe HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from qa.models import Answer, Citation, Passage

MARKER = re.compile(r"\[\s*(\d+(?:\s*,\s*\d+)*)\s*\]")
TOOLTIP_CHARS = 280
UNKNOWN = "unknown"
SUSPICIOUS = "suspicious"
SUSPICIOUS_HINT = (
    "This passage holds text that reads like instructions to a model; it is data only."
)
PASTED_NOTE = "pasted — not fetched from this link"
PASTED_HINT = "Someone pasted this text; the link was typed in, not fetched."
INFERRED_NOTE = "date inferred from the text"
INFERRED_HINT = "The article had no date: this one was read from a dateline or date in its text."


def esc(value: object) -> str:
    """HTML-escaped text (quotes included), '' for None."""
    return "" if value is None else html.escape(str(value), quote=True)


def iso(value: object) -> str:
    """Escaped untrusted text in its own bidi isolate: a U+202E inside cannot reorder what
    follows (such as the "✓ verified quote" badge)."""
    return f"<bdi>{esc(value)}</bdi>"


def iso_text(value: object) -> str:
    """Untrusted text isolated for plain-text places (attributes, text boxes): FSI … PDI."""
    return f"\u2068{'' if value is None else value}\u2069"


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) link, else None (never javascript:, data:, …)."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    return url


def link_html(url: str | None) -> str:
    """A link that opens in a new tab, or the URL as plain text when it is not http(s)."""
    if not url:
        return "no link"
    href = safe_url(url)
    if href is None:
        return f'<span class="bad-url" title="not an http(s) link">{iso(url)}</span>'
    return (
        f'<a href="{esc(href)}" target="_blank" rel="noopener noreferrer nofollow">{iso(url)}</a>'
    )


def shorten(text: str, limit: int = TOOLTIP_CHARS) -> str:
    """Whitespace-collapsed text, cut at `limit` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def anchor_id(n: int, turn: int = 0) -> str:
    """The HTML id of passage [n] of one answer (inside its article's source card)."""
    return f"src-{turn}-{n}"


def marker_tooltip(n: int, citations: Sequence[Citation]) -> str:
    """What hovering [n] shows: the article title and the quote (or a hint)."""
    cited = [c for c in citations if c.n == n]
    if not cited:
        return f"source {n}"
    first = cited[0]
    flag = "" if all(c.verified for c in cited) else " (⚠ not verified)"
    title = iso_text(shorten(first.title, 100))
    when = iso_text(first.published_at) if first.published_at else f"{UNKNOWN} date"
    return f"{title} ({when}){flag}: “{iso_text(shorten(first.quote, TOOLTIP_CHARS - 100))}”"


def link_markers(text: str, citations: Sequence[Citation] = (), turn: int = 0) -> str:
    """Escaped answer text in which every [n] (also [1, 3] and [1][3]) links to its passage.

    The text between markers comes from articles, so each piece is bidi-isolated."""

    def link(match: re.Match[str]) -> str:
        numbers = [int(x) for x in re.findall(r"\d+", match.group(1))]
        return "".join(
            f'<a class="cite" href="#{anchor_id(n, turn)}" data-n="{n}" '
            f'title="{esc(marker_tooltip(n, citations))}">[{n}]</a>'
            for n in numbers
        )

    out, pos = [], 0
    for match in MARKER.finditer(text):
        out += [_text_piece(text[pos : match.start()]), link(match)]
        pos = match.end()
    out.append(_text_piece(text[pos:]))
    return "".join(out)


def _text_piece(text: str) -> str:
    if not text:
        return ""
    lines = text.split("\n")
    return "<br>".join(iso(line) if line else "" for line in lines)


def quote_spans(passage: Passage, citations: Iterable[Citation]) -> list[tuple[int, int, bool]]:
    """(start, end, verified) of each quote inside the passage text; the offsets are checked."""
    spans: list[tuple[int, int, bool]] = []
    for c in citations:
        start = c.start - passage.start
        end = start + len(c.quote)
        if not (0 <= start and passage.text[start:end] == c.quote):
            start = passage.text.find(c.quote) if c.quote else -1
            end = start + len(c.quote)
        if start >= 0 and c.quote:
            spans.append((start, end, c.verified))
    return sorted(set(spans))


def highlight(text: str, spans: Sequence[tuple[int, int, bool]]) -> str:
    """Escaped text with each span wrapped in <mark> (overlaps merged; unverified marked so)."""
    merged: list[list[Any]] = []
    for start, end, verified in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2] = merged[-1][2] and verified
        else:
            merged.append([start, end, verified])
    out, pos = [], 0
    for start, end, verified in merged:
        out.append(esc(text[pos:start]))
        css = "quote" if verified else "quote unverified"
        label = "" if verified else ' title="not verified"'
        out.append(f'<mark class="{css}"{label}>{esc(text[start:end])}</mark>')
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def date_html(
    published_at: str | None, source: str | None = None, evidence: str | None = None
) -> str:
    """The publication date ("unknown date" when missing), marked when read from the text
    (`evidence`: the words it was read from, shown on hover)."""
    if not published_at:
        return f"{UNKNOWN} date"
    shown = f'<span class="date">{iso(published_at)}</span>'
    if source == "text":
        hint = INFERRED_HINT + (f" From: “{iso_text(shorten(evidence, 120))}”" if evidence else "")
        shown += f' <span class="inferred" title="{esc(hint)}">({INFERRED_NOTE})</span>'
    return shown


def meta_html(
    outlet: str | None,
    published_at: str | None,
    url: str | None,
    pasted: bool = False,
    date_source: str | None = None,
    date_evidence: str | None = None,
) -> str:
    """Outlet · date · link, with "unknown" for what is missing, whether the date was inferred
    from the text and whether the article was pasted."""
    parts = [
        iso(outlet) if outlet else f"{UNKNOWN} outlet",
        date_html(published_at, date_source, date_evidence),
        link_html(url),
    ]
    if pasted:
        note = PASTED_NOTE if url else "pasted text"
        parts.append(f'<span class="pasted" title="{esc(PASTED_HINT)}">{note}</span>')
    return f'<div class="meta">{" · ".join(parts)}</div>'


def passage_html(
    n: int, passage: Passage | None, citations: Sequence[Citation], turn: int = 0
) -> str:
    """Passage [n] with its cited quotes highlighted (a quote it does not hold shown below)."""
    flags = ""
    if passage is not None and SUSPICIOUS in passage.flags:
        hint = esc(SUSPICIOUS_HINT)
        flags = f'<span class="badge warn suspicious" title="{hint}">⚠ suspicious text</span>'
    body, missing = "", list(dict.fromkeys(c.quote for c in citations))
    if passage is not None:
        spans = quote_spans(passage, citations)
        body = f" {iso_html(highlight(passage.text, spans))}"
        found = {passage.text[s:e] for s, e, _ in spans}
        missing = [q for q in missing if q not in found]
    for quote in missing:  # a quote we could not place in the passage is still shown, flagged
        body += f'<blockquote><mark class="quote unverified">{iso(quote)}</mark></blockquote>'
    return (
        f'<div class="passage" id="{anchor_id(n, turn)}">'
        f'<span class="num">[{n}]</span>{flags}{body}</div>'
    )


def iso_html(markup: str) -> str:
    """Already-escaped markup (built from untrusted text) in a bidi isolate."""
    return f"<bdi>{markup}</bdi>"


Cited = tuple[int, Passage | None, Sequence[Citation]]


def source_card(items: Sequence[Cited], turn: int = 0, pasted: bool = False) -> str:
    """One article: title, verification badge, outlet, date, link, then each cited passage."""
    n, passage, citations = items[0]
    ref: Passage | Citation = passage or citations[0]
    every = [c for _, _, cs in items for c in cs]
    badge = ""
    if every:
        badge = (
            '<span class="badge ok">✓ verified quote</span>'
            if all(c.verified for c in every)
            else '<span class="badge warn">⚠ not verified</span>'
        )
    passages = "".join(passage_html(i, p, cs, turn) for i, p, cs in items)
    return (
        f'<div class="source-card" id="card-{turn}-{n}">'
        f'<div class="card-head"><span class="title">{iso(ref.title)}</span>{badge}</div>'
        f"{meta_html(ref.outlet, ref.published_at, ref.url, pasted, _date_source(items))}"
        f"{passages}</div>"
    )


def _date_source(items: Sequence[Cited]) -> str | None:
    """Where the article's date came from, as its passages know it (citations do not)."""
    return next((p.published_at_source for _, p, _ in items if p is not None), None)


def _by_article(items: Iterable[Cited]) -> list[list[Cited]]:
    groups: dict[str, list[Cited]] = {}
    for item in items:
        groups.setdefault(_article_of(item), []).append(item)
    return list(groups.values())


def sources_html(answer: Answer, turn: int = 0, pasted: Collection[str] = ()) -> str:
    """The cited sources of one answer, one card per article (or on a refusal the nearest)."""
    by_n = {p.n: p for p in answer.passages}

    def cards(items: Iterable[Cited]) -> str:
        groups = _by_article(items)
        return "".join(source_card(g, turn, _article_of(g[0]) in pasted) for g in groups)

    citations = [*answer.citations, *fallback_citations(answer)]
    if answer.refused or not citations:
        if not answer.passages:
            return '<p class="note">No sources found in the indexed articles.</p>'
        note = (
            "No cited answer: the articles do not say. Nearest sources:"
            if answer.refused
            else "No verified citation. Retrieved passages:"
        )
        body = cards((p.n, p, []) for p in answer.passages)
        return f'<p class="note refusal">{esc(note)}</p>{body}'
    numbers = sorted({c.n for c in citations})
    return cards((n, by_n.get(n), [c for c in citations if c.n == n]) for n in numbers)


def fallback_citations(answer: Answer) -> list[Citation]:
    """The extractive fallback's citations (same passages), so its [n] links have cards."""
    out = []
    for data in (answer.fallback or {}).get("citations") or ():
        try:
            out.append(Citation(**data))
        except TypeError:  # a shape we do not know: its markers keep their plain links
            continue
    return out


def _article_of(item: Cited) -> str:
    _, passage, citations = item
    return passage.article_id if passage is not None else citations[0].article_id


def sources_panel(turns: Sequence[tuple[str, Answer]], pasted: Collection[str] = ()) -> str:
    """All answers' sources: the latest open, earlier ones folded (their [n] links still work)."""
    if not turns:
        return '<div class="sources-empty">Ask a question: its cited sources appear here.</div>'
    blocks = []
    for turn in range(len(turns) - 1, -1, -1):
        question, answer = turns[turn]
        head = f"<summary>Sources for “{iso(shorten(question, 90))}”</summary>"
        is_open = " open" if turn == len(turns) - 1 else ""
        body = sources_html(answer, turn, pasted)
        blocks.append(f'<details class="turn"{is_open}>{head}{body}</details>')
    return "".join(blocks)


def question_html(question: str) -> str:
    """A visitor's question as shown in the chat."""
    return iso(question).replace("\n", "<br>")


def error_html(message: str) -> str:
    """A failure as a chat message (isolated: it may quote what the visitor sent)."""
    return f'<div class="warn-line">⚠ {iso(message)}</div>'


def ingest_message(report: dict[str, Any], summary: str) -> str:
    """Plain text like the CLI prints: a line per bad input and per update with what changed."""
    lines = [summary]
    for kind in ("failed", "skipped"):
        for item in report.get(kind, []):
            path = iso_text(item["path"])
            where = f"{path}:{item['line']}" if item.get("line") else path
            lines.append(f"{kind}: {where}: {item['reason']}")
    for change in report.get("changes", []):
        lines.append(f"updated: {iso_text(change['title'])}: {'; '.join(change['changed'])}")
    return "\n".join(lines)

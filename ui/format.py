"""Pure HTML formatting for the chat: marker links, source cards, highlighted quotes.

Everything that comes from an article (text, title, outlet, quote, URL) is untrusted: it is
escaped here and nowhere else, so the Gradio side only ever receives finished, safe HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from qa.models import Answer, Citation, Passage

MARKER = re.compile(r"\[\s*(\d+(?:\s*,\s*\d+)*)\s*\]")
TOOLTIP_CHARS = 280
UNKNOWN = "unknown"


def esc(value: object) -> str:
    """HTML-escaped text (quotes included), '' for None."""
    return "" if value is None else html.escape(str(value), quote=True)


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
        return f'<span class="bad-url" title="not an http(s) link">{esc(url)}</span>'
    return (
        f'<a href="{esc(href)}" target="_blank" rel="noopener noreferrer nofollow">{esc(url)}</a>'
    )


def shorten(text: str, limit: int = TOOLTIP_CHARS) -> str:
    """Whitespace-collapsed text, cut at `limit` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def anchor_id(n: int, turn: int = 0) -> str:
    """The HTML id of source card [n] of one answer."""
    return f"src-{turn}-{n}"


def marker_tooltip(n: int, citations: Sequence[Citation]) -> str:
    """What hovering [n] shows: the article title and the quote (or a hint)."""
    cited = [c for c in citations if c.n == n]
    if not cited:
        return f"source {n}"
    first = cited[0]
    flag = "" if all(c.verified for c in cited) else " (⚠ not verified)"
    return shorten(f"{first.title}{flag}: “{first.quote}”")


def link_markers(text: str, citations: Sequence[Citation] = (), turn: int = 0) -> str:
    """Escaped answer text in which every [n] (also [1, 3] and [1][3]) links to its source card."""

    def replace(match: re.Match[str]) -> str:
        numbers = [int(x) for x in re.findall(r"\d+", match.group(1))]
        return "".join(
            f'<a class="cite" href="#{anchor_id(n, turn)}" data-n="{n}" '
            f'title="{esc(marker_tooltip(n, citations))}">[{n}]</a>'
            for n in numbers
        )

    return MARKER.sub(replace, esc(text)).replace("\n", "<br>")


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
    return sorted(spans)


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


def meta_html(outlet: str | None, published_at: str | None, url: str | None) -> str:
    """Outlet · date · link, with "unknown" for what is missing."""
    parts = (esc(outlet or f"{UNKNOWN} outlet"), esc(published_at or f"{UNKNOWN} date"))
    return f'<div class="meta">{" · ".join(parts)} · {link_html(url)}</div>'


def source_card(
    n: int, passage: Passage | None, citations: Sequence[Citation], turn: int = 0
) -> str:
    """One numbered source: title, outlet, date, link, passage with the quotes highlighted."""
    ref = passage or citations[0]
    badges = ""
    if citations:
        ok = all(c.verified for c in citations)
        badges = (
            '<span class="badge ok">✓ verified quote</span>'
            if ok
            else '<span class="badge warn">⚠ not verified</span>'
        )
    body = ""
    if passage is not None:
        spans = quote_spans(passage, citations)
        body = f'<div class="passage">{highlight(passage.text, spans)}</div>'
        found = {passage.text[s:e] for s, e, _ in spans}
        missing = [c for c in citations if c.quote not in found]
    else:
        missing = list(citations)
    for c in missing:  # a quote we could not place in the passage is still shown, flagged
        body += f'<blockquote><mark class="quote unverified">{esc(c.quote)}</mark></blockquote>'
    return (
        f'<div class="source-card" id="{anchor_id(n, turn)}">'
        f'<div class="card-head"><span class="num">[{n}]</span> '
        f'<span class="title">{esc(ref.title)}</span>{badges}</div>'
        f"{meta_html(ref.outlet, ref.published_at, ref.url)}{body}</div>"
    )


def sources_html(answer: Answer, turn: int = 0) -> str:
    """The cited sources of one answer, or on a refusal its nearest passages."""
    by_n = {p.n: p for p in answer.passages}
    if answer.refused or not answer.citations:
        if not answer.passages:
            return '<p class="note">No sources found in the indexed articles.</p>'
        note = (
            "No cited answer: the articles do not say. Nearest sources:"
            if answer.refused
            else "No verified citation. Retrieved passages:"
        )
        cards = "".join(source_card(p.n, p, [], turn) for p in answer.passages)
        return f'<p class="note refusal">{esc(note)}</p>{cards}'
    numbers = sorted({c.n for c in answer.citations})
    return "".join(
        source_card(n, by_n.get(n), [c for c in answer.citations if c.n == n], turn)
        for n in numbers
    )


def sources_panel(turns: Sequence[tuple[str, Answer]]) -> str:
    """All answers' sources: the latest open, earlier ones folded (their [n] links still work)."""
    if not turns:
        return '<div class="sources-empty">Ask a question: its cited sources appear here.</div>'
    blocks = []
    for turn in range(len(turns) - 1, -1, -1):
        question, answer = turns[turn]
        head = f"<summary>Sources for “{esc(shorten(question, 90))}”</summary>"
        is_open = " open" if turn == len(turns) - 1 else ""
        body = sources_html(answer, turn)
        blocks.append(f'<details class="turn"{is_open}>{head}{body}</details>')
    return "".join(blocks)


def chat_answer_html(answer: Answer, turn: int = 0) -> str:
    """The finished answer for the chat: escaped text with linked markers, flags below."""
    body = link_markers(answer.answer, answer.citations, turn)
    unverified = sum(not c.verified for c in answer.citations)
    if unverified:
        body += f'<div class="warn-line">⚠ {unverified} citation(s) not verified</div>'
    if answer.refused:
        body += '<div class="note-line">Nearest sources are listed on the right.</div>'
    return body


def ingest_message(report: dict[str, Any], summary: str) -> str:
    """Plain text like the CLI prints: one `failed: path:line: reason` line per bad input."""
    lines = [summary]
    for kind in ("failed", "skipped"):
        for item in report.get(kind, []):
            where = f"{item['path']}:{item['line']}" if item.get("line") else item["path"]
            lines.append(f"{kind}: {where}: {item['reason']}")
    return "\n".join(lines)

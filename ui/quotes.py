"""The Quotes tab: pick a person, see what they said, newest first, each with its source card.

Speakers, quotes, titles and outlets all come from articles, so everything is escaped and
bidi-isolated here (ui/format.py's helpers), like the chat's source cards.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qa.service import DEFAULT_QUOTES, PASTED, QAService
from ui.format import error_html, esc, iso, iso_html, iso_text, meta_html
from ui.security import Scrubber, visitor_message

if TYPE_CHECKING:  # types only: ui reads the index through QAService
    from index.facts import StoredQuote
    from index.models import Article

PICK = (
    '<div class="sources-empty">Pick a person (or type part of a name), or type what they '
    "spoke about: their quotes appear here, newest first.</div>"
)
MAX_SPEAKERS = 1000  # names in the menu
PAGE_SIZE = DEFAULT_QUOTES  # quotes per page of the tab ("Older" shows the next)
DIRECT_HINT = "Their exact words, in quotation marks in the article."
REPORTED_HINT = "Reported speech: the article's words for what they said (“X said that …”)."
UNNAMED_HINT = "The article names no person: the speaker is kept as written."


@dataclass
class QuoteGroup:
    """One speaker's words, and the other articles that quote the very same words."""

    first: StoredQuote  # the newest
    others: list[StoredQuote] = field(default_factory=list)  # one per other article


def speaker_choices(service: QAService) -> list[tuple[str, str]]:
    """(label with the count, name) of the named speakers, most quoted first (the first
    MAX_SPEAKERS; any other can be typed)."""
    named = service.speakers()[:MAX_SPEAKERS]
    return [(f"{iso_text(name)} ({count})", name) for name, count in named]


def words_key(quote: str) -> str:
    """The quote's words only: "dear friend," and "Dear friend" are the same words."""
    flat = unicodedata.normalize("NFKC", quote).casefold()
    return " ".join(re.findall(r"\w+", flat))


def group_quotes(quotes: Iterable[StoredQuote]) -> list[QuoteGroup]:
    """Identical words by one speaker, in the order given (newest first), shown once."""
    groups: dict[tuple[str, str], QuoteGroup] = {}
    for q in quotes:
        key = (words_key(q.speaker), words_key(q.quote) or q.quote)
        group = groups.get(key)
        if group is None:
            groups[key] = QuoteGroup(q)
        elif q.article_id not in {g.article_id for g in (group.first, *group.others)}:
            group.others.append(q)
    return list(groups.values())


def sentence_html(q: StoredQuote, article: Article | None) -> str:
    """The sentence holding the quote, the quote marked (or the quote alone if it cannot be
    placed in the stored text)."""
    css = "quote said" if q.direct else "quote reported"
    text = article.text if article else ""
    start, end = q.start, q.end
    if text[start:end] != q.quote:
        start = text.find(q.quote) if q.quote else -1
        end = start + len(q.quote)
    if start < 0:
        marked = f'<mark class="{css}">{iso(q.quote)}</mark>'
        return f'<blockquote class="said-sentence">{marked}</blockquote>'
    lo, hi = min(q.sentence_start, start), max(q.sentence_end, end)
    if not (0 <= lo <= start and end <= hi <= len(text)):
        lo, hi = start, end
    marked = (
        f'{esc(text[lo:start])}<mark class="{css}">{esc(text[start:end])}</mark>{esc(text[end:hi])}'
    )
    return f'<blockquote class="said-sentence">{iso_html(marked.strip())}</blockquote>'


def kind_badge(q: StoredQuote) -> str:
    """ "direct quote" or "reported speech", and whether the speaker is unnamed."""
    if q.direct:
        badge = f'<span class="badge kind direct" title="{esc(DIRECT_HINT)}">direct quote</span>'
    else:
        hint = esc(REPORTED_HINT)
        badge = f'<span class="badge kind reported" title="{hint}">reported speech</span>'
    if not q.named:
        badge += f'<span class="badge kind unnamed" title="{esc(UNNAMED_HINT)}">unnamed</span>'
    return badge


def article_meta(q: StoredQuote, article: Article | None) -> str:
    """Outlet · date (marked when inferred from the text) · link of the quote's article."""
    if article is None:
        return meta_html(None, q.published_at, None)
    extra = article.extra or {}
    source = extra.get("published_at_source")
    span = extra.get("published_at_evidence") or {}
    evidence = None
    if isinstance(span, Mapping) and isinstance(span.get("start"), int):
        evidence = article.text[span["start"] : span.get("end") or span["start"]]
    pasted = article.source == PASTED
    return meta_html(article.outlet, q.published_at, article.url, pasted, source, evidence)


def also_html(others: Sequence[StoredQuote], articles: Mapping[str, Article]) -> str:
    """ "also in N articles", unfolding to each article's title, outlet, date and link."""
    if not others:
        return ""
    noun = "article" if len(others) == 1 else "articles"
    rows = []
    for q in others:
        article = articles.get(q.article_id)
        title = iso(article.title) if article else esc(q.article_id)
        rows.append(f'<li><span class="title">{title}</span>{article_meta(q, article)}</li>')
    return (
        f'<details class="also"><summary>also in {len(others)} {noun}</summary>'
        f"<ul>{''.join(rows)}</ul></details>"
    )


def quote_card(group: QuoteGroup, articles: Mapping[str, Article]) -> str:
    """One thing said: speaker, kind, the sentence with the words marked, its article's card."""
    q = group.first
    article = articles.get(q.article_id)
    title = iso(article.title) if article else esc(q.article_id)
    return (
        f'<div class="source-card quote-card" data-article="{esc(q.article_id)}">'
        f'<div class="card-head"><span class="said-who">{iso(q.speaker)}</span>{kind_badge(q)}'
        f"</div>{sentence_html(q, article)}"
        f'<div class="quote-source"><span class="title">{title}</span>'
        f"{article_meta(q, article)}</div>{also_html(group.others, articles)}</div>"
    )


def summary_html(
    quotes: Sequence[StoredQuote], groups: int, speaker: str, about: str, first: int = 1
) -> str:
    """How many quotes were found (which of them, past the first page), by whom, about what."""
    names = list(dict.fromkeys(q.speaker for q in quotes))
    who = f" by {iso(names[0])}" if len(names) == 1 else ""
    if len(names) > 1:
        who = f" by {len(names)} speakers" + (f" matching “{iso(speaker)}”" if speaker else "")
    what = f" about “{iso(about)}”" if about else ""
    count = f"{len(quotes)} quote{'' if len(quotes) == 1 else 's'}"
    if first > 1:
        count = f"Quotes {first:,}–{first + len(quotes) - 1:,}"
    shown = (
        f" ({groups} shown: the same words in several articles once)"
        if groups < len(quotes)
        else ""
    )
    return f'<p class="note quotes-summary">{count}{who}{what}, newest first{shown}.</p>'


def listing_html(
    service: QAService,
    scrub: Scrubber,
    speaker: str | None,
    about: str | None,
    since: str | None = None,
    until: str | None = None,
    page: int = 0,
) -> tuple[str, bool]:
    """The Quotes tab's result, page `page` (0: the newest PAGE_SIZE): a summary line and one
    card per distinct quote; and whether an older page follows."""
    speaker, about = (speaker or "").strip(), (about or "").strip()
    if not speaker and not about:
        return PICK, False
    skipped = max(page, 0) * PAGE_SIZE
    try:  # one more than a page: whether an older page exists
        found = service.quotes(speaker, about, since, until, PAGE_SIZE + 1, skipped)
        articles = service.articles_by_id({q.article_id for q in found})
    except Exception as exc:  # an empty index, a refused value: say so, never a traceback
        return error_html(visitor_message(exc, scrub, "listing quotes")), False
    older = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    if not found:
        who = f" by “{iso(speaker)}”" if speaker else ""
        what = f" about “{iso(about)}”" if about else ""
        where = " past this point" if skipped else " in the indexed articles"
        return f'<p class="note">No quotes{who}{what}{where}.</p>', False
    groups = group_quotes(found)
    more = '<p class="note">Older quotes follow: press “Older”.</p>' if older else ""
    cards = "".join(quote_card(g, articles) for g in groups)
    return summary_html(found, len(groups), speaker, about, skipped + 1) + cards + more, older


def api_quotes(
    service: QAService,
    speaker: str = "",
    about: str = "",
    since: str = "",
    until: str = "",
    limit: int | str = "",
    offset: int | str = "",
) -> list[dict[str, object]]:
    """The `qa quotes --json` list for /quotes (each with its article's title and outlet),
    the first `offset` skipped."""
    found = service.quotes(
        speaker or "", about or "", since or None, until or None, limit or None, offset or None
    )
    articles = service.articles_by_id({q.article_id for q in found})
    out = []
    for q in found:
        article = articles.get(q.article_id)
        item = q.to_json()
        item["title"] = article.title if article else None
        item["outlet"] = article.outlet if article else None
        item["url"] = article.url if article else None
        out.append(item)
    return out

"""Articles from HTML pages, RSS/Atom feeds and fetched URLs (public addresses only)."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from index.chunking import has_words
from index.load_records import NO_WORDS, Item, authors
from index.models import LoadFailure, build_article

_FEED_ROOT = re.compile(r"(?is)\s*(<\?xml[^>]*\?>\s*)?(<!--.*?-->\s*)*<(rss|feed|rdf:rdf)\b")
_EMAIL_NAME = re.compile(r"^\S+@\S+\s*\((.+)\)$")
_NEEDS_JS = re.compile(
    r"(enable|turn on|activate|allow)\s+javascript|javascript\s+(is\s+)?(required|disabled|needed)"
    r"|requires?\s+javascript|without\s+javascript",
    re.I,
)
MIN_PAGE_WORDS = 5  # fewer words on a whole web page is navigation or a notice, not an article


def looks_like_feed(text: str) -> bool:
    """Whether text starts like an RSS/Atom document (or any XML that is not HTML)."""
    head = text[:4096]
    if _FEED_ROOT.match(head):
        return True
    return head.lstrip().startswith("<?xml") and "<html" not in head.lower()


def load_html(html: str, source: str, url: str | None = None) -> Item:
    """An HTML page: trafilatura finds the main text and the metadata."""
    import trafilatura
    from trafilatura.settings import set_date_params

    # precision drops pages whose only text is navigation or a <noscript> notice;
    # no extensive date search, which guesses Jan 1 from a "(c) 2024" footer
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        favor_precision=True,
        date_extraction_params=set_date_params(False),
    )
    text = getattr(doc, "text", None)
    if not text or not text.strip():
        return LoadFailure(path=source, reason="no article text found in HTML")
    if len(text) < 600 and _NEEDS_JS.search(text):
        return LoadFailure(
            path=source,
            reason="the page shows no article without JavaScript (only a notice to enable it): "
            "save the article's text from a browser and ingest that file",
        )
    if not has_words(text):
        return LoadFailure(path=source, reason=NO_WORDS)
    if len(text.split()) < MIN_PAGE_WORDS:
        reason = f"no article text found in HTML (only {text.strip()!r}: navigation, not news)"
        return LoadFailure(path=source, reason=reason)
    return build_article(
        text=text,
        title=doc.title,
        url=doc.url or url,
        outlet=doc.sitename,
        author=doc.author,
        published_at=doc.date,
        source=source,
    )


def load_feed(text: str, source: str) -> Iterator[Item]:
    """An RSS/Atom feed: each entry is an article; the feed title names the outlet."""
    import feedparser

    feed = feedparser.parse(text)
    if not feed.entries:
        problem = feed.get("bozo_exception") or "it has no entries"
        yield LoadFailure(path=source, reason=f"not a readable RSS/Atom feed: {problem}")
        return
    outlet = feed.feed.get("title")
    for number, entry in enumerate(feed.entries, 1):
        body = _entry_text(entry)
        if not has_words(body):
            label = entry.get("title") or entry.get("link") or "untitled"
            reason = f"feed entry {number} ({label}) has no text"
            yield LoadFailure(path=source, reason=reason)
            continue
        yield build_article(
            text=body,
            title=entry.get("title"),
            url=entry.get("link"),
            outlet=outlet,
            author=_entry_author(entry),
            published_at=entry.get("published") or entry.get("updated"),
            source=source,
        )


def _entry_author(entry: Any) -> str | None:
    """An entry's author; RSS writes "email (Name)", and feedparser mangles that form."""
    author = (entry.get("author") or "").strip()
    match = _EMAIL_NAME.match(author)
    return match.group(1).strip() if match else author or authors(entry.get("authors"))


def _entry_text(entry: Any) -> str:
    """An entry's fullest text: its content, else its summary, as plain text."""
    parts = [*entry.get("content", []), entry.get("summary_detail") or {}]
    for part in parts:
        value = (part.get("value") or "").strip()
        if value:
            return value if part.get("type") == "text/plain" else _html_text(value)
    return ""


def _html_text(fragment: str) -> str:
    """Plain text of an HTML fragment, keeping paragraph breaks where trafilatura can."""
    import trafilatura

    page = f"<html><body><article>{fragment}</article></body></html>"
    text = trafilatura.extract(page, include_comments=False, favor_recall=True)
    return (text or trafilatura.html2txt(page)).strip()


def load_url(url: str, allow_private: bool = False) -> Iterator[Item]:
    """Fetch a URL and load it as a feed or a page; each failure says what went wrong."""
    from trafilatura.downloads import fetch_response

    problem = _host_problem(url, allow_private)
    if problem:
        yield LoadFailure(path=url, reason=problem)
        return
    prefix = "could not fetch URL: "
    try:
        response = fetch_response(url, decode=True)
    except Exception as exc:  # urllib3/pycurl raise many kinds
        yield LoadFailure(path=url, reason=f"{prefix}{type(exc).__name__}: {exc}")
        return
    host = urlsplit(url).hostname
    if response is None or not response.data:
        reason = f"{prefix}{host} did not answer (connection refused, timed out, or no content)"
        yield LoadFailure(path=url, reason=reason)
    elif response.status != 200:
        yield LoadFailure(path=url, reason=f"{prefix}the server answered HTTP {response.status}")
    elif looks_like_feed(response.html or ""):
        yield from load_feed(response.html, url)
    else:
        yield load_html(response.html or "", url, url=url)


def _host_problem(url: str, allow_private: bool) -> str | None:
    """Why the URL's host is not fetched: unknown, or (unless allowed) a non-public address."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        return f"not a valid URL: {exc}"
    if not host:
        return "not a valid URL: it names no host"
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, port or 80)}
    except (OSError, UnicodeError):
        return f"could not fetch URL: no address found for {host} (offline, or a typo in the name?)"
    if allow_private:
        return None
    for address in sorted(addresses):
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            return (
                f"refused to fetch URL: {host} is a non-public address ({ip}); only public "
                "addresses are fetched — save the page and ingest the file instead"
            )
    return None

"""The nouns of indexing: articles, chunks and load failures."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_WORD = re.compile(r"[^\W_]")
_TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid)$", re.I)


@dataclass(frozen=True)
class Article:
    """One news article: its full text and what is known about it."""

    id: str
    title: str
    text: str
    content_hash: str
    outlet: str | None = None
    url: str | None = None
    author: str | None = None
    published_at: str | None = None
    source: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    line: int | None = field(default=None, compare=False)  # its line in a JSON Lines file

    @property
    def published_int(self) -> int | None:
        """The publication date as YYYYMMDD, for range filters."""
        return date_to_int(self.published_at)


@dataclass(frozen=True)
class Chunk:
    """A slice of an article: `article.text[start:end] == text`."""

    id: str
    article_id: str
    index: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class LoadFailure:
    """An input that could not be loaded (or was deliberately skipped), with where and why."""

    path: str
    reason: str
    line: int | None = None
    skipped: bool = False


def normalize_url(url: str) -> str:
    """Canonical form of a URL: lower-case host, no fragment, no tracking parameters."""
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not _TRACKING_PARAMS.match(k)])
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def normalize_text(text: str) -> str:
    """Whitespace-collapsed, lower-cased text, for identity and hashing."""
    return " ".join(text.split()).lower()


def make_article_id(url: str | None, text: str) -> str:
    """A stable id: from the canonical URL when there is one, else from the normalized text."""
    basis = "url:" + normalize_url(url) if url else "text:" + normalize_text(text)
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


def make_content_hash(**fields: str | None) -> str:
    """A hash of everything shown about an article, so any change re-indexes it."""
    payload = "\x1f".join(f"{k}={fields[k] or ''}" for k in sorted(fields))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def outlet_from_url(url: str | None) -> str | None:
    """The outlet named by a URL's host, without `www.`."""
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def parse_date(value: object) -> str | None:
    """An ISO date (YYYY-MM-DD) from the many ways feeds write one, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    text = str(value).strip()
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    if match:
        return _valid(*map(int, match.groups()))
    match = re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
    if match:
        return _valid(*map(int, match.groups()))
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(text).strftime("%Y-%m-%d")
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, fmt).strftime("%Y-%m-%d")
        except ValueError:
            continue
    return None


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def date_to_int(iso: str | None) -> int | None:
    """YYYY-MM-DD → YYYYMMDD as an int, or None."""
    if not iso:
        return None
    return int(iso[:10].replace("-", ""))


def int_to_date(value: int) -> date:
    """YYYYMMDD as an int → a date."""
    return date(value // 10000, value // 100 % 100, value % 100)


def _infer_missing(
    text: str,
    title: str | None,
    published: str | None,
    source: str | None,
    extra: dict[str, Any],
) -> tuple[str, str | None]:
    """Title and date from evidence in the text when metadata lacks them, noting where from."""
    from index.inferred import fallback_title, infer_date, infer_title

    if title:
        extra["title_source"] = "metadata"
    else:
        found = infer_title(text, source)
        title = found.value if found else fallback_title(text)
        extra["title_source"] = found.source if found else "text"
    if published:
        extra["published_at_source"] = "metadata"
    else:
        dated = infer_date(text)
        if dated:
            published = dated.value
            extra["published_at_source"] = "text"
            extra["published_at_evidence"] = {"start": dated.start, "end": dated.end}
    return title, published


def build_article(
    *,
    text: str,
    title: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    author: str | None = None,
    published_at: object = None,
    source: str | None = None,
) -> Article:
    """Assemble an Article, deriving id, hash, outlet and a fallback title."""
    url = url.strip() if url else None
    extra: dict[str, Any] = {}
    if not outlet and url:
        outlet = outlet_from_url(url)
        if outlet:
            extra["outlet_source"] = "url_host"
    published = parse_date(published_at)
    title, published = _infer_missing(text, title, published, source, extra)
    fields = dict(title=title, text=text, url=url, outlet=outlet, author=author, date=published)
    return Article(
        id=make_article_id(url, text),
        title=title.strip(),
        text=text,
        content_hash=make_content_hash(**fields),
        outlet=outlet,
        url=url,
        author=author,
        published_at=published,
        source=source,
        extra=extra,
    )

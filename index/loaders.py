"""Turn files, folders, URLs and stdin into Articles, reporting each bad input as a LoadFailure."""

from __future__ import annotations

import codecs
import ipaddress
import json
import os
import re
import socket
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from index.chunking import has_words
from index.models import Article, LoadFailure, build_article, normalize_url

Item = Article | LoadFailure

TEXT_EXTS = frozenset({".txt", ".md", ".markdown"})
HTML_EXTS = frozenset({".html", ".htm"})
FEED_EXTS = frozenset({".xml", ".rss", ".atom"})
KNOWN_EXTS = TEXT_EXTS | HTML_EXTS | FEED_EXTS | {".json", ".jsonl"}

TEXT_KEYS = ("text", "body", "content", "article")
TITLE_KEYS = ("title", "headline")
URL_KEYS = ("url", "link")
OUTLET_KEYS = ("outlet", "source", "site", "publisher")
AUTHOR_KEYS = ("author", "authors")
DATE_KEYS = ("published_at", "publish_date", "date", "published", "pubdate")

NO_TEXT = "record has no text (expected one of: text, body, content)"
QUIZ = "quiz questions (RealTime QA *_qa.jsonl), not articles: skipped"
STDIN = "<stdin>"

_FEED_ROOT = re.compile(r"(?is)\s*(<\?xml[^>]*\?>\s*)?(<!--.*?-->\s*)*<(rss|feed|rdf:rdf)\b")
_HEADING = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.M)
_META_LINE = re.compile(r"^\s*[\w-]+\s*:")
_EMAIL_NAME = re.compile(r"^\S+@\S+\s*\((.+)\)$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_NEEDS_JS = re.compile(
    r"(enable|turn on|activate|allow)\s+javascript|javascript\s+(is\s+)?(required|disabled|needed)"
    r"|requires?\s+javascript|without\s+javascript",
    re.I,
)
MIN_PAGE_WORDS = 5  # fewer words on a whole web page is navigation or a notice, not an article
NO_WORDS = "no words in the text (only punctuation or symbols)"


def load_inputs(
    inputs: Iterable[str],
    *,
    max_bytes: int = 20_000_000,
    stdin: TextIO | None = None,
    allow_private_urls: bool = False,
) -> Iterator[Article | LoadFailure]:
    """Yield each article found in files, folders (recursive), URLs, or '-' (JSONL from stdin).

    Every bad input becomes a LoadFailure and loading goes on; the first copy of an article wins.
    URLs whose host is a loopback, private or otherwise non-public address are refused unless
    `allow_private_urls` (so a server's /add cannot be pointed at its own network).
    """
    seen: set[str] = set()
    for name in map(str, inputs):  # tolerate Path objects
        items = _load_one(name, max_bytes, stdin, allow_private_urls)
        for item in _guard(items, name):
            if isinstance(item, Article):
                keys = {item.id, "url:" + normalize_url(item.url)} if item.url else {item.id}
                if keys & seen:
                    continue
                seen |= keys
            yield item


def _guard(items: Iterator[Item], path: str) -> Iterator[Item]:
    """The items, with an unexpected library error turned into a LoadFailure."""
    try:
        yield from items
    except Exception as exc:  # a parser bug on odd input must not stop the whole batch
        yield LoadFailure(path=path, reason=f"unexpected error: {type(exc).__name__}: {exc}")


def _load_one(
    name: str, max_bytes: int, stdin: TextIO | None, allow_private: bool
) -> Iterator[Item]:
    """Dispatch one input by its kind: stdin, URL, folder or file."""
    scheme = _SCHEME.match(name)
    if name == "-":
        yield from _load_jsonl((stdin or sys.stdin).read(), STDIN)
    elif scheme and scheme.group(1).lower() in ("http", "https"):
        yield from _load_url(name, allow_private)
    elif scheme:
        yield LoadFailure(path=name, reason=_unsupported_scheme(scheme.group(1).lower()))
    elif os.path.isdir(name):
        found = False
        for path in _walk(Path(name)):
            found = True
            yield from _guard(_load_file(path, max_bytes), str(path))
        if not found:
            kinds = " ".join(sorted(KNOWN_EXTS))
            yield LoadFailure(path=name, reason=f"no article files in this folder ({kinds})")
    elif not name or not os.path.exists(name):
        yield LoadFailure(path=name, reason=_missing(name))
    else:
        yield from _load_file(Path(name), max_bytes)


def _unsupported_scheme(scheme: str) -> str:
    if scheme == "file":
        return "unsupported URL scheme file://: give the file's path instead (e.g. ~/news/a.txt)"
    return (
        f"unsupported URL scheme {scheme}://: only http:// and https:// addresses are fetched; "
        "download it and ingest the file"
    )


def _missing(name: str) -> str:
    """Why a path cannot be opened: missing, a broken link, or a link loop."""
    if name and os.path.islink(name):
        try:
            os.stat(name)
        except OSError as exc:
            if exc.errno == 40:  # ELOOP
                return "symbolic link loop: the link points (through others) back to itself"
        return f"broken symbolic link: it points to {os.readlink(name)}, which does not exist"
    return "no such file or directory"


def _walk(root: Path) -> Iterator[Path]:
    """Files with a known extension under root, sorted by path, skipping hidden ones."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found += [Path(dirpath, n) for n in filenames if not n.startswith(".")]
    return iter(sorted(p for p in found if p.suffix.lower() in KNOWN_EXTS))


def _read_text(path: Path, max_bytes: int) -> str | LoadFailure:
    """The file's text, or why it cannot be used."""
    source = str(path)
    try:
        if not path.is_file():
            reason = _missing(source) if not path.exists() else "not a regular file"
            return LoadFailure(path=source, reason=reason)
        size = path.stat().st_size
        if size > max_bytes:
            reason = f"file is {size} bytes, over the limit of {max_bytes} (QA_MAX_FILE_BYTES)"
            return LoadFailure(path=source, reason=reason)
        data = path.read_bytes()
    except OSError as exc:
        return LoadFailure(path=source, reason=f"could not read file: {exc.strerror or exc}")
    text = decode_text(data)
    if isinstance(text, str) and not text.strip():
        return LoadFailure(path=source, reason="empty file")
    return text if isinstance(text, str) else LoadFailure(path=source, reason=text.reason)


def decode_text(data: bytes) -> str | LoadFailure:
    """Bytes as text: UTF-8 (a BOM is dropped), or UTF-16/32 when a BOM says so."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                name = encoding.upper()
                return LoadFailure("", f"not valid {name} text (byte offset {exc.start})")
            if "\0" in text:
                return LoadFailure("", "binary file, not text")
            return text
    if _looks_like_utf16(data[:8192]):
        return LoadFailure("", "UTF-16 text without a BOM: save it as UTF-8")
    nul = data.find(b"\0")
    if 0 <= nul < 8192:
        return LoadFailure("", "binary file, not text")
    if nul >= 0:
        return LoadFailure("", f"binary file, not text (a NUL byte at byte offset {nul})")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        return LoadFailure("", f"not valid UTF-8 text (byte offset {exc.start})")


def _looks_like_utf16(head: bytes) -> bool:
    """Whether bytes look like UTF-16 without a BOM: NULs on every other byte (Latin text)."""
    if len(head) < 8:
        return False
    even, odd = head[0::2], head[1::2]
    zeros = even.count(0) / len(even), odd.count(0) / max(1, len(odd))
    return max(zeros) >= 0.4 and min(zeros) <= 0.05


def _load_file(path: Path, max_bytes: int) -> Iterator[Item]:
    """Load one file by its extension, or by its content when that is a feed."""
    text = _read_text(path, max_bytes)
    if isinstance(text, LoadFailure):
        yield text
        return
    source, ext = str(path), path.suffix.lower()
    if ext == ".jsonl":
        yield from _load_jsonl(text, source)
    elif ext == ".json":
        yield from _load_json(text, source)
    elif ext in HTML_EXTS:
        yield _load_html(text, source)
    elif ext in FEED_EXTS or _looks_like_feed(text):
        yield from _load_feed(text, source)
    else:
        yield _load_plain(text, source)


def _looks_like_feed(text: str) -> bool:
    """Whether text starts like an RSS/Atom document (or any XML that is not HTML)."""
    head = text[:4096]
    if _FEED_ROOT.match(head):
        return True
    return head.lstrip().startswith("<?xml") and "<html" not in head.lower()


def _split_front_matter(text: str) -> tuple[dict[str, str], str] | None:
    """(metadata, body) when text opens with a `---` front matter block, else None."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            break
    else:
        return None
    meta: dict[str, str] = {}
    for line in lines[1:end]:
        if not line.strip():
            continue
        if not _META_LINE.match(line):
            return None  # a leading `---` rule, not front matter
        key, _, value = line.partition(":")
        value = value.strip()
        if len(value) > 1 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        meta[key.strip().lower()] = value
    return meta, "".join(lines[end + 1 :]).lstrip("\r\n")


def _unclosed_front_matter(text: str) -> bool:
    """A `---` first line followed by `key: value` lines and no closing `---`."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---" or any(line.strip() == "---" for line in lines[1:]):
        return False
    following = next((line for line in lines[1:] if line.strip()), "")
    return bool(_META_LINE.match(following))


def _load_plain(text: str, source: str) -> Item:
    """A .txt/.md article: optional front matter, then the text exactly as written."""
    split = _split_front_matter(text)
    if split is None and _unclosed_front_matter(text):
        reason = "front matter opened with --- on line 1 is never closed: add a --- line after it"
        return LoadFailure(path=source, reason=reason)
    meta, body = split if split else ({}, text)
    if not body.strip():
        return LoadFailure(path=source, reason="no article text")
    if not has_words(body):
        return LoadFailure(path=source, reason=NO_WORDS)
    heading = _HEADING.search(body)
    if not meta.get("title") and heading:
        meta["title"] = heading.group(1).strip()
    return _record_article({**meta, "text": body}, source)


def _is_quiz(value: Any) -> bool:
    """Whether a JSON value is (or starts with) a RealTime QA quiz question."""
    if isinstance(value, list):
        value = value[0] if value else None
    return isinstance(value, dict) and "question_sentence" in value and "choices" in value


def _parse_json(text: str) -> tuple[Any, str | None, int | None]:
    """(value, None, None), or (None, why it cannot be read, line)."""
    try:
        return json.loads(text), None, None
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno
    except RecursionError:
        return None, "invalid JSON: nested too deeply to read (over ~1,000 levels of [ or {)", None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        if "integer string conversion" in str(exc):
            return None, "invalid JSON: a number of more than 4,300 digits (too long to read)", None
        return None, f"invalid JSON: {exc}", None


def _load_json(text: str, source: str) -> Iterator[Item]:
    """A .json file: one record, a list of them, or {"articles"|"items": [...]}."""
    value, reason, line = _parse_json(text)
    if reason:
        yield LoadFailure(path=source, reason=reason, line=line)
        return
    if _is_quiz(value):
        yield LoadFailure(path=source, reason=QUIZ, skipped=True)
        return
    yield from _records(value, source, None)


def _load_jsonl(text: str, source: str) -> Iterator[Item]:
    """JSON Lines: each line a value; a broken line fails alone."""
    first = True
    # split on "\n" only: str.splitlines would also break inside strings at U+2028 and friends
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        value, reason, _ = _parse_json(line)
        if reason:
            yield LoadFailure(path=source, reason=reason, line=number)
            continue
        if first and _is_quiz(value):
            yield LoadFailure(path=source, reason=QUIZ, skipped=True)
            return
        first = False
        yield from _records(value, source, number)


def _records(value: Any, source: str, line: int | None) -> Iterator[Item]:
    """Each article record inside one JSON value."""
    items: Any = [value]
    if isinstance(value, list):
        items = value
    elif isinstance(value, dict) and not any(key in value for key in TEXT_KEYS):
        for key in ("search_result", "articles", "items"):  # search_result: RealTime QA *_gcs
            if isinstance(value.get(key), list):
                items = value[key]
                break
    for record in items:
        if not isinstance(record, dict):
            reason = f"record is a JSON {_json_type(record)}, not an object"
            yield LoadFailure(path=source, reason=reason, line=line)
            continue
        try:
            yield _record_article(record, source, line)
        except Exception as exc:  # one odd record must not stop the rest of the file
            reason = f"unexpected error: {type(exc).__name__}: {exc}"
            yield LoadFailure(path=source, reason=reason, line=line)


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number" if isinstance(value, int | float) else "value")


def _record_article(record: dict[str, Any], source: str, line: int | None = None) -> Item:
    """Build an Article from a record using the field names real feeds use."""
    fields = {str(k).lower(): v for k, v in record.items()}
    text = _first(fields, TEXT_KEYS, strip=False)
    if text is None:
        wrong = next((k for k in TEXT_KEYS if k in fields and fields[k] not in (None, "")), None)
        reason = NO_TEXT
        if wrong and not isinstance(fields[wrong], str):
            reason = f"record's {wrong!r} is a JSON {_json_type(fields[wrong])}, not a string"
        return LoadFailure(path=source, reason=reason, line=line)
    bad = _unpaired_surrogate(fields)
    if bad:
        return LoadFailure(path=source, reason=bad, line=line)
    if not has_words(text):
        return LoadFailure(path=source, reason=NO_WORDS, line=line)
    article = build_article(
        text=text,
        title=_first(fields, TITLE_KEYS),
        url=_first(fields, URL_KEYS),
        outlet=_first(fields, OUTLET_KEYS),
        author=_authors(next((fields[k] for k in AUTHOR_KEYS if fields.get(k)), None)),
        published_at=_date_value(fields),
        source=source,
    )
    return replace(article, line=line) if line else article


def _unpaired_surrogate(fields: dict[str, Any]) -> str | None:
    """Why a record's strings are not valid Unicode (a lone \\ud800 escape), or None."""
    for key, value in fields.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, dict):
                item = item.get("name")
            if not isinstance(item, str):
                continue
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                code = f"\\u{ord(item[exc.start]):04x}"
                return (
                    f"field {key!r} holds an unpaired surrogate ({code}) at character {exc.start}: "
                    "not valid Unicode text; fix that \\u escape in the source"
                )
    return None


def _date_value(fields: dict[str, Any]) -> object:
    """The record's date: a string, a YYYYMMDD number, or Unix time in seconds or milliseconds."""
    for key in DATE_KEYS:
        value = fields.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if 19000101 <= value <= 21001231:
            return str(int(value))
        seconds = value / 1000 if value > 1e11 else value
        if 1e8 <= seconds <= 4.2e9:
            from datetime import UTC, datetime

            return datetime.fromtimestamp(seconds, UTC)
    return _first(fields, DATE_KEYS)


def _first(fields: dict[str, Any], keys: Iterable[str], strip: bool = True) -> str | None:
    """The first non-blank string among keys (a {"name": ...} dict counts as its name)."""
    for key in keys:
        value = fields.get(key)
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, str) and value.strip():
            return value.strip() if strip else value
    return None


def _authors(value: Any) -> str | None:
    """Authors as "A, B" from a string, a list of names, or a list of {"name": ...}."""
    if isinstance(value, str):
        return value.strip() or None
    if not isinstance(value, list):
        return None
    names = [v.get("name") if isinstance(v, dict) else v for v in value]
    names = list(dict.fromkeys(n.strip() for n in names if isinstance(n, str) and n.strip()))
    # RealTime QA lists "A B" before "A" and "B": drop that run-together copy
    if len(names) > 2 and names[0] == " ".join(names[1:]):
        names = names[1:]
    return ", ".join(names) or None


def _load_html(html: str, source: str, url: str | None = None) -> Item:
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


def _load_feed(text: str, source: str) -> Iterator[Item]:
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
    return match.group(1).strip() if match else author or _authors(entry.get("authors"))


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


def _load_url(url: str, allow_private: bool = False) -> Iterator[Item]:
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
    elif _looks_like_feed(response.html or ""):
        yield from _load_feed(response.html, url)
    else:
        yield _load_html(response.html or "", url, url=url)


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

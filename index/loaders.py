"""Turn files, folders, URLs and stdin into Articles, reporting each bad input as a LoadFailure."""

from __future__ import annotations

import codecs
import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from index.chunking import has_words
from index.load_records import NO_WORDS, Item, load_json, load_jsonl, record_article
from index.load_web import load_feed, load_html, load_url, looks_like_feed
from index.models import Article, LoadFailure, normalize_url

TEXT_EXTS = frozenset({".txt", ".md", ".markdown"})
HTML_EXTS = frozenset({".html", ".htm"})
FEED_EXTS = frozenset({".xml", ".rss", ".atom"})
KNOWN_EXTS = TEXT_EXTS | HTML_EXTS | FEED_EXTS | {".json", ".jsonl"}
STDIN = "<stdin>"

_HEADING = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.M)
_META_LINE = re.compile(r"^\s*[\w-]+\s*:")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


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
        yield from load_jsonl((stdin or sys.stdin).read(), STDIN)
    elif scheme and scheme.group(1).lower() in ("http", "https"):
        yield from load_url(name, allow_private)
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
        yield from load_jsonl(text, source)
    elif ext == ".json":
        yield from load_json(text, source)
    elif ext in HTML_EXTS:
        yield load_html(text, source)
    elif ext in FEED_EXTS or looks_like_feed(text):
        yield from load_feed(text, source)
    else:
        yield _load_plain(text, source)


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
    return record_article({**meta, "text": body}, source)

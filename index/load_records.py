"""Articles from JSON and JSON Lines records, with the field names real feeds and exports use."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from index.chunking import has_words
from index.models import Article, LoadFailure, build_article

Item = Article | LoadFailure  # what every loader yields

TEXT_KEYS = ("text", "body", "content", "article")
TITLE_KEYS = ("title", "headline")
URL_KEYS = ("url", "link")
OUTLET_KEYS = ("outlet", "source", "site", "publisher")
AUTHOR_KEYS = ("author", "authors")
DATE_KEYS = ("published_at", "publish_date", "date", "published", "pubdate")

NO_TEXT = "record has no text (expected one of: text, body, content)"
NO_WORDS = "no words in the text (only punctuation or symbols)"
QUIZ = "quiz questions (RealTime QA *_qa.jsonl), not articles: skipped"


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


def load_json(text: str, source: str) -> Iterator[Item]:
    """A .json file: one record, a list of them, or {"articles"|"items": [...]}."""
    value, reason, line = _parse_json(text)
    if reason:
        yield LoadFailure(path=source, reason=reason, line=line)
        return
    if _is_quiz(value):
        yield LoadFailure(path=source, reason=QUIZ, skipped=True)
        return
    yield from _records(value, source, None)


def load_jsonl(text: str, source: str) -> Iterator[Item]:
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
            yield record_article(record, source, line)
        except Exception as exc:  # one odd record must not stop the rest of the file
            reason = f"unexpected error: {type(exc).__name__}: {exc}"
            yield LoadFailure(path=source, reason=reason, line=line)


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number" if isinstance(value, int | float) else "value")


def record_article(record: dict[str, Any], source: str, line: int | None = None) -> Item:
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
        author=authors(next((fields[k] for k in AUTHOR_KEYS if fields.get(k)), None)),
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


def authors(value: Any) -> str | None:
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

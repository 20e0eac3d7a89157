"""Event functions of the library tab and the /add API: add, list, show and delete articles."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from qa.service import PASTED, QAService
from ui.format import PASTED_NOTE, ingest_message, iso_text
from ui.security import Scrubber, visitor_message

ALLOWED_TYPES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
MAX_FILES = 50
HEADERS = ["title", "outlet", "date", "chunks", "id"]
ProgressFn = Callable[..., Any]


def failure(path: str, reason: str) -> dict[str, Any]:
    """A failed input as `IngestReport.to_json()` lists it."""
    return {"path": path, "reason": reason, "line": None}


def check_uploads(paths: Sequence[str], max_bytes: int) -> tuple[list[str], list[dict[str, Any]]]:
    """Uploads split into those to ingest and the rejected ones (count, type, size limits)."""
    if len(paths) > MAX_FILES:
        reason = f"too many files: {len(paths)} (at most {MAX_FILES} per upload)"
        return [], [failure(f"{len(paths)} files", reason)]
    accepted, rejected = [], []
    for path in paths:
        name, suffix = Path(path).name, Path(path).suffix.lower()
        if suffix not in ALLOWED_TYPES:
            kinds = " ".join(ALLOWED_TYPES)
            reject = f"unsupported file type {suffix or '(none)'}; use one of {kinds}"
            rejected.append(failure(name, reject))
        elif (size := Path(path).stat().st_size) > max_bytes:
            reject = f"file is {size} bytes, over the limit of {max_bytes} (QA_MAX_FILE_BYTES)"
            rejected.append(failure(name, reject))
        else:
            accepted.append(path)
    return accepted, rejected


def progress_callback(progress: ProgressFn | None, total: int | None) -> Callable[[int, int], None]:
    """Turn the index's (articles, chunks) increments into progress-bar updates."""
    counts = [0, 0]

    def update(articles: int, chunks: int) -> None:
        counts[0] += articles
        counts[1] += chunks
        if progress is not None:
            desc = f"{counts[0]} articles indexed · {counts[1]} chunks embedded"
            progress((counts[0], total), desc=desc, unit="articles")

    return update


def guarded(scrub: Scrubber, where: str, add: Callable[..., Any], *args: Any, **kw: Any) -> dict:
    """`add(...)`'s summary, or its exception as one failed entry with a message people can use
    (the writer lock's "held by …", a read-only server), never a traceback."""
    try:
        return add(*args, **kw).to_json()
    except Exception as exc:
        return {"failed": [failure(where, visitor_message(exc, scrub, "adding articles"))]}


def combine(reports: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Several ingest summaries (or parts of them) as one."""
    total: dict[str, Any] = {"added": 0, "updated": 0, "unchanged": 0, "failed": [], "skipped": []}
    total |= {"chunks": 0, "seconds": 0.0, "changes": []}
    for report in reports:
        for key, value in report.items():
            if key in total:
                total[key] = total[key] + value
    total["seconds"] = round(total["seconds"], 3)
    return total


def summary(report: dict[str, Any]) -> str:
    """The CLI's one-line summary for a (combined) ingest summary."""
    line = (
        f"added {report['added']}, updated {report['updated']}, unchanged {report['unchanged']}, "
        f"failed {len(report['failed'])} — {report['chunks']} "
        f"chunk{'' if report['chunks'] == 1 else 's'} in {report['seconds']:.1f} s"
    )
    return line + (f" ({len(report['skipped'])} skipped)" if report["skipped"] else "")


def add_files(
    service: QAService,
    scrub: Scrubber,
    paths: Sequence[str] | None,
    progress: ProgressFn | None = None,
) -> tuple[dict[str, Any], str]:
    """Ingest uploaded files; returns the ingest summary and the message for people."""
    paths = [str(p) for p in paths or ()]
    if not paths:
        report = combine([{"failed": [failure("<upload>", "choose one or more files first")]}])
        return report, ingest_message(report, summary(report))
    accepted, rejected = check_uploads(paths, service.settings.max_file_bytes)
    parts = [{"failed": rejected}]
    if accepted:
        single = all(Path(p).suffix.lower() not in (".json", ".jsonl") for p in accepted)
        callback = progress_callback(progress, len(accepted) if single else None)
        parts.insert(0, guarded(scrub, "<upload>", service.add_inputs, accepted, callback))
    report = combine(parts)
    names = {p: Path(p).name for p in paths}  # people know their file names, not temp paths
    for key in ("failed", "skipped"):
        report[key] = [{**f, "path": names.get(f["path"], f["path"])} for f in report[key]]
    return report, ingest_message(report, summary(report))


def add_urls(
    service: QAService, scrub: Scrubber, urls: str, progress: ProgressFn | None = None
) -> tuple[dict[str, Any], str]:
    """Fetch and ingest web pages or RSS/Atom feeds, one URL per line."""
    lines = [u.strip() for u in (urls or "").split() if u.strip()]
    web = [u for u in lines if re.match(r"(?i)^https?://\S+$", u)]
    # Anything else would be read as a path on the server: refuse it.
    parts = [{"failed": [failure(u, "not an http(s) URL") for u in lines if u not in web]}]
    if not lines:
        parts[0]["failed"].append(failure("<url>", "enter a URL or feed URL"))
    if web:
        callback = progress_callback(progress, None)
        parts.insert(0, guarded(scrub, "<url>", service.add_inputs, web, callback))
    report = combine(parts)
    return report, ingest_message(report, summary(report))


def valid_date(value: str | None) -> str | None:
    """The date if it is YYYY-MM-DD (or empty → None); ValueError otherwise."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise ValueError(f"not a date: {value!r} (use YYYY-MM-DD)")


def add_text(
    service: QAService,
    scrub: Scrubber,
    text: str,
    title: str = "",
    url: str = "",
    outlet: str = "",
    published_at: str = "",
) -> tuple[dict[str, Any], str]:
    """Ingest one pasted article."""
    try:
        published = valid_date(published_at)
    except ValueError as exc:
        report = combine([{"failed": [failure("<pasted text>", str(exc))]}])
    else:
        fields = {"title": title, "url": url, "outlet": outlet}
        clean = {k: v.strip() or None for k, v in fields.items() if isinstance(v, str)}
        add = service.add_text
        report = combine([guarded(scrub, PASTED, add, text or "", published_at=published, **clean)])
    return report, ingest_message(report, summary(report))


def table_rows(service: QAService, search: str = "") -> list[list[Any]]:
    """The article table: title, outlet, date, chunks, id."""
    return [
        [
            r["title"],
            r["outlet"] or "unknown",
            date_cell(r),
            r["chunks"],
            r["id"],
        ]
        for r in service.list_articles(search or "")
    ]


def date_cell(row: dict[str, Any]) -> str:
    """The date, "unknown", or the date with "(inferred from the text)" (read from a dateline)."""
    if not row.get("published_at"):
        return "unknown"
    inferred = row.get("published_at_source") == "text"
    return f"{row['published_at']} (inferred from the text)" if inferred else row["published_at"]


def resolve_ids(service: QAService, given: str) -> tuple[list[str], list[str]]:
    """Full ids for the ids (or unambiguous id prefixes) in the text, and those not found."""
    known = [r["id"] for r in service.list_articles()]
    found, missing = [], []
    for token in re.split(r"[\s,]+", given or ""):
        if not token:
            continue
        matches = [i for i in known if i == token] or [i for i in known if i.startswith(token)]
        if len(matches) == 1:
            found.append(matches[0])
        else:
            missing.append(token)
    return found, missing


def show_text(service: QAService, given: str) -> str:
    """One article's metadata and full text, as plain text (never HTML)."""
    ids, _ = resolve_ids(service, given)
    if not ids:
        return f"No article with id {given.strip()!r}: pick a row in the table." if given else ""
    article = service.show(ids[0])
    if article is None:
        return f"No article with id {ids[0]!r}."
    meta = {
        "title": article.title,
        "outlet": article.outlet,
        "date": article.published_at,
        "url": article.url,
        "author": article.author,
        "id": article.id,
    }
    head = "\n".join(f"{k}: {iso_text(v) if v else 'unknown'}" for k, v in meta.items())
    if article.source == PASTED:
        head += f"\nsource: {PASTED_NOTE if article.url else 'pasted text'}"
    return f"{head}\n\n{article.text}"


def delete(service: QAService, scrub: Scrubber, given: str) -> str:
    """Delete the articles with these ids; says what happened."""
    ids, missing = resolve_ids(service, given)
    try:
        removed = service.delete(ids) if ids else []
    except Exception as exc:
        return f"not deleted: {visitor_message(exc, scrub, 'deleting articles')}"
    message = f"deleted {len(removed)} article(s)"
    return message + (f"; not found: {', '.join(missing)}" if missing else "")

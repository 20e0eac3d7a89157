"""One object that the chat server uses: ask questions, add, list, show and delete articles.

Everything here may be driven by a visitor of `qa serve`, so only the operator's settings choose
URLs, models and keys: a visitor picks a backend by name from `Settings.visitor_backends()`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from index.catalog import Filters
from index.facts import StoredQuote, search_quotes
from index.indexer import IngestReport, Progress
from index.models import Article, LoadFailure, build_article
from index.names import tokens
from qa.answer import answer_stream
from qa.backends.chat import LLMOptions
from qa.backends.registry import BACKENDS, create_backend
from qa.config import Settings, build_index
from qa.errors import EmptyIndexError, QAError
from qa.models import Answer
from qa.retrieve import RetrievalConfig, Retriever, make_filters

MAX_K = 20  # passages a visitor may ask for
MAX_QUOTES = 500  # quotes one listing may return (the Quotes tab and /quotes)
DEFAULT_QUOTES = 200  # as `qa quotes`
LOCK_WAIT_S = 30.0  # how long an add or delete waits for another process's write to finish
PASTED = "<pasted text>"  # the `source` of articles pasted in the Library tab or sent to /add


class RequestRefusedError(QAError):
    """A visitor asked for something this server does not offer (a backend, a date, a write)."""


class ReadOnlyError(RequestRefusedError):
    """Adding or deleting articles on a server started with --read-only."""

    def __init__(self) -> None:
        super().__init__(
            "this server is read-only: adding and deleting articles is turned off by the operator"
        )


@dataclass
class Change:
    """What an allowed update replaced in one article."""

    article_id: str
    title: str
    what: list[str]

    def to_json(self) -> dict[str, Any]:
        """As /add lists it."""
        return {"id": self.article_id, "title": self.title, "changed": self.what}


@dataclass
class AddResult:
    """An ingest report plus, when updates are allowed, what each update changed."""

    report: IngestReport
    changes: list[Change] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The `qa ingest --json` summary plus "changes"."""
        return {**self.report.to_json(), "changes": [c.to_json() for c in self.changes]}


def describe_change(old: Article, new: Article) -> list[str]:
    """The differences people care about: title, date, text length (other fields by name)."""
    what = []
    if old.title != new.title:
        what.append(f"title {old.title!r} → {new.title!r}")
    if old.published_at != new.published_at:
        what.append(f"date {old.published_at or 'unknown'} → {new.published_at or 'unknown'}")
    if old.text != new.text:
        what.append(f"text {len(old.text):,} → {len(new.text):,} characters")
    what += [
        f"{name} changed"
        for name in ("outlet", "url", "author")
        if getattr(old, name) != getattr(new, name)
    ]
    return what or ["metadata changed"]


class QAService:
    """The article index plus answering, opened once and shared by all visitors (thread-safe)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._backends: dict[str, Any] = {}
        self._lock = threading.Lock()

    @cached_property
    def index(self) -> Any:
        """The article index (checked against the settings on first use)."""
        index = build_index(self.settings)
        index.check_compatible()
        # Visitors wait at most this long for the data folder's writer lock, then are told who
        # holds it (the index raises an error whose public_message() names the process).
        index.lock_timeout = LOCK_WAIT_S
        return index

    @cached_property
    def retriever(self) -> Retriever:
        """Hybrid retrieval over the index."""
        return Retriever(self.index, RetrievalConfig.from_settings(self.settings))

    def warm_up(self) -> None:
        """Load the embedder and open the stores now, so the first visitors do not wait on it
        (16 first questions at once would otherwise all queue behind one model load)."""
        if self.index.catalog.counts()[0]:
            self.retriever.search("warm up", k=1)

    def visitor_backends(self) -> list[str]:
        """The backends visitors may pick, the default first (unknown names raise ValueError)."""
        names = self.settings.visitor_backends()
        unknown = [n for n in names if n not in BACKENDS]
        if unknown:
            raise ValueError(
                f"unknown backend {unknown[0]!r} in QA_UI_BACKENDS/QA_BACKEND; choose from: "
                + ", ".join(BACKENDS)
            )
        return names

    def backend(self, name: str | None = None) -> Any:
        """A cached answer backend chosen by name among those the operator offers."""
        allowed = self.visitor_backends()
        name = name or allowed[0]
        if name not in allowed:
            shown = name if len(name) <= 40 else name[:39] + "…"
            raise RequestRefusedError(
                f"backend {shown!r} is not offered here; choose one of: {', '.join(allowed)}"
            )
        s = self.settings
        with self._lock:
            if name not in self._backends:
                options = LLMOptions(
                    model=s.llm_model,
                    base_url=s.llm_base_url,
                    api_key=s.llm_api_key,
                    temperature=s.llm_temperature,
                    max_tokens=s.llm_max_tokens,
                )
                self._backends[name] = create_backend(name, options)
            return self._backends[name]

    def ask_stream(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        *,
        backend: str | None = None,
        k: int | None = None,
        outlets: Iterable[str] | None = None,
        article_ids: Iterable[str] | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> Iterator[str | Answer]:
        """Stream answer text, then the finished Answer (see `qa.answer.answer_stream`)."""
        chosen = self.backend(backend)
        k = max(1, min(int(k or self.settings.top_k), MAX_K))
        try:
            filters = make_filters(list(outlets or ()), list(article_ids or ()), since, until)
        except ValueError as exc:
            raise RequestRefusedError(str(exc)) from exc
        if self.index.catalog.counts()[0] == 0:
            raise EmptyIndexError(self.settings.data_dir)
        yield from answer_stream(
            question,
            retriever=self.retriever,
            backend=chosen,
            history=history,
            k=k,
            filters=filters,
            max_question_chars=self.settings.max_question_chars,
            max_history_turns=self.settings.max_history_turns,
            max_history_chars=self.settings.max_history_chars,
        )

    def ask(
        self, question: str, history: list[dict[str, str]] | None = None, **options: Any
    ) -> Answer:
        """The finished answer."""
        result = None
        for item in self.ask_stream(question, history, **options):
            result = item
        assert isinstance(result, Answer)
        return result

    def _writable(self) -> None:
        if self.settings.read_only:
            raise ReadOnlyError

    def _ingest(
        self, items: Iterable[Article | LoadFailure], progress: Progress | None = None
    ) -> AddResult:
        """Ingest as a visitor may: an existing article is replaced only if the operator allows."""
        allow = self.settings.allow_updates
        seen: dict[str, Change] = {}

        def watch(source: Iterable[Article | LoadFailure]) -> Iterator[Article | LoadFailure]:
            for item in source:
                if allow and isinstance(item, Article):
                    stored = self.index.catalog.get(item.id)
                    if stored and stored.article.content_hash != item.content_hash:
                        seen[item.id] = Change(
                            item.id, item.title, describe_change(stored.article, item)
                        )
                yield item

        report = self.index.ingest(watch(items), progress, allow_updates=allow)
        done = set(report.article_ids)
        return AddResult(report, [c for i, c in seen.items() if i in done])

    def add_inputs(self, inputs: list[str], progress: Progress | None = None) -> AddResult:
        """Ingest files, folders, URLs or feeds, as `qa ingest` does (updates as allowed)."""
        from index.loaders import load_inputs

        self._writable()
        return self._ingest(load_inputs(inputs, max_bytes=self.settings.max_file_bytes), progress)

    def add_text(
        self,
        text: str,
        *,
        title: str | None = None,
        url: str | None = None,
        outlet: str | None = None,
        author: str | None = None,
        published_at: str | None = None,
    ) -> AddResult:
        """Ingest one pasted article."""
        self._writable()
        limit = self.settings.max_paste_chars
        if not text or not text.strip():
            reason = "no article text"
        elif len(text) > limit:
            reason = (
                f"pasted text is {len(text):,} characters, over the limit of {limit:,} "
                "(QA_MAX_PASTE_CHARS): upload it as a file or split it"
            )
        else:
            reason = ""
        if reason:
            return AddResult(IngestReport(failed=[LoadFailure(PASTED, reason)]))
        article = build_article(
            text=text,
            title=title or None,
            url=url or None,
            outlet=outlet or None,
            author=author or None,
            published_at=published_at or None,
            source=PASTED,
        )
        return self._ingest([article])

    def list_articles(
        self, search: str = "", outlets: Iterable[str] | None = None
    ) -> list[dict[str, Any]]:
        """Indexed articles (newest first), optionally only those whose title/outlet/id match."""
        rows = self.index.catalog.list_articles(Filters(outlets=tuple(outlets or ())))
        needle = search.strip().lower()
        if not needle:
            return rows
        return [
            r
            for r in rows
            if needle
            in " ".join(str(r[key] or "") for key in ("id", "title", "outlet", "url")).lower()
        ]

    def outlets(self) -> list[str]:
        """Distinct outlets, for filter menus."""
        rows = self.index.catalog.reader.execute(
            "SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY outlet"
        )
        return [r[0] for r in rows]

    def pasted_ids(self, article_ids: Iterable[str]) -> set[str]:
        """Those of the articles that were pasted rather than fetched from their link."""
        found = self.index.catalog.articles_by_id(article_ids)
        return {i for i, a in found.items() if a.source == PASTED}

    def show(self, article_id: str) -> Article | None:
        """One article with its full text."""
        stored = self.index.catalog.get(article_id)
        return stored.article if stored else None

    def speakers(self) -> list[tuple[str, int]]:
        """Named speakers with how many quotes each, most quoted first (for the Quotes tab)."""
        rows = self.index.catalog.reader.execute(
            "SELECT min(speaker), count(*) FROM quotes WHERE named = 1 GROUP BY speaker_key "
            "ORDER BY count(*) DESC, speaker_key"
        )
        return [(r[0], r[1]) for r in rows]

    def quotes(
        self,
        speaker: str = "",
        about: str = "",
        since: str | None = None,
        until: str | None = None,
        limit: int | str | None = None,
        offset: int | str | None = None,
    ) -> list[StoredQuote]:
        """Stored quotes as `qa quotes` lists them: by a speaker (whole words of the name, case
        and accents ignored), about a topic (FTS5 on the quote and its sentence), from articles
        published in [since, until], newest first, unknown dates last, the first `offset`
        skipped (the next page). Read-only; safe for visitors (values capped: text at
        max_question_chars, at most MAX_QUOTES quotes)."""
        for name, value in (("speaker", speaker), ("about", about)):
            if len(value or "") > self.settings.max_question_chars:
                raise RequestRefusedError(
                    f"{name} is {len(value):,} characters, over the limit of "
                    f"{self.settings.max_question_chars:,}"
                )
        wanted = _whole_number("limit", limit, DEFAULT_QUOTES)
        skipped = _whole_number("offset", offset, 0)
        if skipped < 0:
            raise RequestRefusedError(f"offset must be 0 or more, not {skipped}")
        try:
            dates = make_filters(since=(since or "")[:40] or None, until=(until or "")[:40] or None)
        except ValueError as exc:
            raise RequestRefusedError(str(exc)) from exc
        words = tokens(speaker or "")
        if (speaker or "").strip() and not words:
            return []  # a name with no letters matches nobody (not everybody)
        return search_quotes(
            self.index.catalog.reader,
            speaker_words=words,
            about=(about or "").strip() or None,
            since=dates.since,
            until=dates.until,
            limit=max(1, min(wanted, MAX_QUOTES)),
            offset=skipped,
        )

    def articles_by_id(self, article_ids: Iterable[str]) -> dict[str, Article]:
        """Stored articles (full text and provenance in `extra`) by id."""
        return self.index.catalog.articles_by_id(article_ids)

    def delete(self, article_ids: Iterable[str]) -> list[str]:
        """Delete articles; returns those that existed."""
        self._writable()
        return self.index.delete(list(article_ids))


def _whole_number(name: str, value: int | str | None, default: int) -> int:
    """A visitor's number, or a one-line refusal."""
    try:
        return int(value or default)
    except (TypeError, ValueError, OverflowError) as exc:
        raise RequestRefusedError(
            f"{name} must be a whole number, not {str(value)[:20]!r}"
        ) from exc

"""One object that the UI and scripts use: ask questions, add, list, show and delete articles."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Any

from index.catalog import Filters
from index.indexer import IngestReport, Progress
from index.models import Article, LoadFailure, build_article
from qa.answer import answer_stream
from qa.backends.chat import LLMOptions
from qa.backends.registry import create_backend
from qa.config import Settings, build_index
from qa.models import Answer
from qa.retrieve import Retriever, make_filters


class QAService:
    """The article index plus answering, opened once and shared (thread-safe writes)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._backends: dict[tuple[Any, ...], Any] = {}
        self._lock = threading.Lock()

    @cached_property
    def index(self) -> Any:
        """The article index (checked against the settings on first use)."""
        index = build_index(self.settings)
        index.check_compatible()
        return index

    @cached_property
    def retriever(self) -> Retriever:
        """Hybrid retrieval over the index."""
        return Retriever(self.index)

    def backend(
        self, name: str | None = None, model: str | None = None, base_url: str | None = None
    ):  # noqa: ANN201
        """A cached answer backend; arguments override the settings."""
        s = self.settings
        key = (name or s.backend, model or s.llm_model, base_url or s.llm_base_url)
        with self._lock:
            if key not in self._backends:
                options = LLMOptions(
                    model=key[1],
                    base_url=key[2],
                    api_key=s.llm_api_key,
                    temperature=s.llm_temperature,
                    max_tokens=s.llm_max_tokens,
                )
                self._backends[key] = create_backend(key[0], options)
            return self._backends[key]

    def ask_stream(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        *,
        backend: str | None = None,
        model: str | None = None,
        base_url: str | None = None,
        k: int | None = None,
        outlets: Iterable[str] | None = None,
        article_ids: Iterable[str] | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> Iterator[str | Answer]:
        """Stream answer text, then the finished Answer (see `qa.answer.answer_stream`)."""
        filters = make_filters(list(outlets or ()), list(article_ids or ()), since, until)
        yield from answer_stream(
            question,
            retriever=self.retriever,
            backend=self.backend(backend, model, base_url),
            history=history,
            k=k or self.settings.top_k,
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

    def add_inputs(self, inputs: list[str], progress: Progress | None = None) -> IngestReport:
        """Ingest files, folders, URLs or feeds, exactly as `qa ingest` does."""
        from index.loaders import load_inputs

        return self.index.ingest(
            load_inputs(inputs, max_bytes=self.settings.max_file_bytes), progress
        )

    def add_text(
        self,
        text: str,
        *,
        title: str | None = None,
        url: str | None = None,
        outlet: str | None = None,
        author: str | None = None,
        published_at: str | None = None,
    ) -> IngestReport:
        """Ingest one pasted article."""
        if not text or not text.strip():
            return IngestReport(failed=[LoadFailure("<pasted text>", "no article text")])
        article = build_article(
            text=text,
            title=title or None,
            url=url or None,
            outlet=outlet or None,
            author=author or None,
            published_at=published_at or None,
            source="<pasted text>",
        )
        return self.index.ingest([article])

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
        rows = self.index.catalog.db.execute(
            "SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY outlet"
        )
        return [r[0] for r in rows]

    def show(self, article_id: str) -> Article | None:
        """One article with its full text."""
        stored = self.index.catalog.get(article_id)
        return stored.article if stored else None

    def delete(self, article_ids: Iterable[str]) -> list[str]:
        """Delete articles; returns those that existed."""
        return self.index.delete(list(article_ids))

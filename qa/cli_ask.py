"""`qa ask`: stream a cited answer, then its numbered sources."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from qa.cli_common import (
    DataDir,
    JsonFlag,
    UsageProblem,
    emit_json,
    err,
    load_settings,
    open_index,
    out,
)
from qa.config import Settings
from qa.errors import QAError
from qa.untrusted import escape_controls

Repeatable = list[str] | None


def ask(
    question: Annotated[
        str | None, typer.Argument(help="The question (omit for a prompt).")
    ] = None,
    backend: Annotated[
        str | None, typer.Option(help="extractive, openai, ollama or llamacpp (QA_BACKEND).")
    ] = None,
    k: Annotated[int | None, typer.Option("--k", help="Passages to retrieve (QA_TOP_K).")] = None,
    since: Annotated[str | None, typer.Option(help="Only articles on/after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Only articles on/before YYYY-MM-DD.")] = None,
    now: Annotated[
        str | None,
        typer.Option(
            help="Today's date for 'last week', 'since January' … and for preferring recent "
            "articles (YYYY-MM-DD; default: the newest indexed article's date)."
        ),
    ] = None,
    outlet: Annotated[Repeatable, typer.Option(help="Only this outlet (repeatable).")] = None,
    article: Annotated[Repeatable, typer.Option(help="Only this article id (repeatable).")] = None,
    history: Annotated[
        Path | None, typer.Option(help='JSON turns: [{"role": "user", "content": "..."}, ...]')
    ] = None,
    model: Annotated[str | None, typer.Option(help="LLM model (QA_LLM_MODEL).")] = None,
    base_url: Annotated[str | None, typer.Option(help="LLM server URL (QA_LLM_BASE_URL).")] = None,
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """Answer a question from the indexed articles, citing the exact passages.

    Streams the answer, then lists each source once with its quotes under it.

    With --json only the `qa ask --json` object is written (errors: one line on stderr).

    Exits 1 when nothing is indexed or the backend's server cannot answer, 2 on bad options.
    """
    from qa.answer import QuestionError
    from qa.retrieve import make_filters

    settings = load_settings(
        data_dir, backend=backend, top_k=k, llm_model=model, llm_base_url=base_url
    )
    try:
        filters = make_filters(outlet, article, since, until)
    except ValueError as exc:
        raise UsageProblem(str(exc)) from None
    turns = _read_history(history) if history else []
    session = AskSession(settings, filters, _clock(now))
    if question is not None:
        session.ask(question, turns, as_json)
        return
    err("Ask about the indexed articles (empty line or Ctrl-D to quit).")
    while True:
        try:
            line = _prompt(as_json)
        except EOFError:
            break
        if not line:
            break
        try:
            turns += session.ask(line, turns, as_json)
        except QuestionError as exc:  # too long: say so and let the user ask again
            err(f"error: {exc}")


def _prompt(as_json: bool) -> str:
    """One line from the user; with --json the prompt goes to stderr, keeping stdout JSON."""
    if not as_json:
        return input("? ").strip()
    sys.stderr.write("? ")
    sys.stderr.flush()
    return input().strip()


def _clock(now: str | None) -> date | None:
    """The --now date, or None (relative date words then count from the newest article)."""
    if now is None:
        return None
    try:
        return date.fromisoformat(now.strip())
    except ValueError:
        raise UsageProblem(f"--now: not a date: {now!r} (use YYYY-MM-DD)") from None


class AskSession:
    """One opened index and backend, asked one or more questions."""

    def __init__(self, settings: Settings, filters: Any, now: date | None = None) -> None:
        from qa.backends.chat import LLMOptions
        from qa.backends.registry import create_backend
        from qa.retrieve import RetrievalConfig, Retriever

        self.settings = settings
        self.filters = filters
        self.now = now
        index = open_index(settings, must_exist=True)
        self.retriever = Retriever(index, RetrievalConfig.from_settings(settings))
        options = LLMOptions(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key,
            temperature=settings.llm_temperature,
            max_tokens=settings.llm_max_tokens,
        )
        try:
            self.backend = create_backend(settings.backend, options)
        except ValueError as exc:
            raise UsageProblem(str(exc)) from None

    def ask(
        self, question: str, turns: list[dict[str, str]], as_json: bool
    ) -> list[dict[str, str]]:
        """Print one answer; returns the turns to add to the history."""
        from qa.answer import answer_stream
        from qa.models import Answer

        s = self.settings
        result: Answer | None = None
        wrote = False
        try:
            for item in answer_stream(
                question,
                retriever=self.retriever,
                backend=self.backend,
                history=turns,
                k=s.top_k,
                filters=self.filters,
                max_question_chars=s.max_question_chars,
                max_history_turns=s.max_history_turns,
                max_history_chars=s.max_history_chars,
                now=self.now,
            ):
                if isinstance(item, Answer):
                    result = item
                elif not as_json:
                    sys.stdout.write(escape_controls(item, keep="\n"))
                    sys.stdout.flush()
                    wrote = True
        except QAError:
            raise
        except (RuntimeError, ValueError, ConnectionError) as exc:  # e.g. a missing model file
            text = str(exc).strip()
            raise QAError(text.splitlines()[0] if text else repr(exc)) from None
        finally:
            if wrote:
                sys.stdout.write("\n")
        assert result is not None
        if as_json:
            emit_json(result.to_json())
        else:
            print_sources(result)
        return [
            {"role": "user", "content": question},
            {"role": "assistant", "content": result.answer},
        ]


SUSPICIOUS = "suspicious: contains text addressed to an AI; treated as data"


def print_sources(result: Any) -> None:
    """The sources under an answer: each article once, with the quotes it supports under it.

    An article that gave several passages is headed by all their numbers ("[1] [2] …") and its
    quotes carry their own number; a refusal lists the nearest articles the same way.
    """
    if " ".join(result.question.split()) != result.standalone_question:
        out(f"(understood as: {result.standalone_question})")
    flagged = {p.n for p in result.passages if "suspicious" in p.flags}
    if result.refused:
        if result.passages:
            out("")
            out("Nearest sources:")
            for group in _by_article(result.passages[:3]):
                _print_heading(group, [p.n for p in group], flagged)
        return
    out("")
    out("Sources:")
    for group in _by_article(result.citations):
        numbers = list(dict.fromkeys(c.n for c in group))
        _print_heading(group, numbers, flagged)
        shown: set[tuple[int, int]] = set()
        for c in group:
            if (c.start, c.end) in shown:
                continue
            shown.add((c.start, c.end))
            mark = "verified" if c.verified else "NOT VERIFIED"
            label = f"[{c.n}] " if len(numbers) > 1 else ""
            out(f"    {label}“{c.quote}” ({mark}, chars {c.start}–{c.end})")


def _by_article(items: list[Any]) -> list[list[Any]]:
    """Citations or passages grouped by article, in order of first appearance."""
    groups: dict[str, list[Any]] = {}
    for item in items:
        groups.setdefault(item.article_id, []).append(item)
    return list(groups.values())


def _print_heading(group: list[Any], numbers: list[int], flagged: set[int]) -> None:
    """[n] title — outlet, date; its link; a warning for passages flagged as suspicious."""
    first = group[0]
    parts = [first.outlet or "unknown outlet", first.published_at or "date unknown"]
    labels = " ".join(f"[{n}]" for n in sorted(set(numbers)))
    out(f"{labels} {first.title} — {', '.join(parts)}")
    if first.url:
        out(f"    {first.url}")
    suspicious = [n for n in sorted(set(numbers)) if n in flagged]
    if suspicious:
        which = "" if len(set(numbers)) == 1 else " ".join(f"[{n}]" for n in suspicious) + " "
        out(f"    ⚠ {which}{SUSPICIOUS}")


def _read_history(path: Path) -> list[dict[str, str]]:
    """Turns in Gradio's messages format, validated."""
    try:
        turns = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UsageProblem(f"cannot read history {path}: {exc}") from None
    ok = isinstance(turns, list) and all(
        isinstance(t, dict) and t.get("role") in ("user", "assistant") and "content" in t
        for t in turns
    )
    if not ok:
        raise UsageProblem(
            f'{path} must hold [{{"role": "user"|"assistant", "content": "..."}}, ...]'
        )
    return [{"role": t["role"], "content": str(t["content"])} for t in turns]

"""`qa ask`: stream a cited answer, then its numbered sources."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from qa.cli_common import DataDir, JsonFlag, emit_json, err, load_settings, open_index
from qa.config import Settings

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
    """Answer a question from the indexed articles, citing the exact passages."""
    from qa.retrieve import make_filters

    settings = load_settings(
        data_dir, backend=backend, top_k=k, llm_model=model, llm_base_url=base_url
    )
    try:
        filters = make_filters(outlet, article, since, until)
    except ValueError as exc:
        err(f"error: {exc}")
        raise typer.Exit(2) from exc
    turns = _read_history(history) if history else []
    session = AskSession(settings, filters)
    if question is not None:
        session.ask(question, turns, as_json)
        return
    err("Ask about the indexed articles (empty line or Ctrl-D to quit).")
    while True:
        try:
            line = input("? ").strip()
        except EOFError:
            break
        if not line:
            break
        turns += session.ask(line, turns, as_json)


class AskSession:
    """One opened index and backend, asked one or more questions."""

    def __init__(self, settings: Settings, filters: Any) -> None:
        from qa.backends.chat import LLMOptions
        from qa.backends.registry import create_backend
        from qa.retrieve import Retriever

        self.settings = settings
        self.filters = filters
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
            err(f"error: {exc}")
            raise typer.Exit(2) from exc
        self.retriever = Retriever(open_index(settings))

    def ask(
        self, question: str, turns: list[dict[str, str]], as_json: bool
    ) -> list[dict[str, str]]:
        """Print one answer; returns the turns to add to the history."""
        from qa.answer import answer_stream
        from qa.models import Answer

        out = sys.stderr if as_json else sys.stdout
        result: Answer | None = None
        try:
            for item in answer_stream(
                question,
                retriever=self.retriever,
                backend=self.backend,
                history=turns,
                k=self.settings.top_k,
                filters=self.filters,
            ):
                if isinstance(item, Answer):
                    result = item
                else:
                    out.write(item)
                    out.flush()
        except (RuntimeError, ValueError, ConnectionError) as exc:
            err(f"\nerror: {exc}")
            raise typer.Exit(1) from exc
        out.write("\n")
        assert result is not None
        if as_json:
            emit_json(result.to_json())
        else:
            print_sources(result)
        return [
            {"role": "user", "content": question},
            {"role": "assistant", "content": result.answer},
        ]


def print_sources(result: Any) -> None:
    """The numbered sources under an answer: title, outlet, date, url and quote."""
    if result.standalone_question != result.question:
        typer.echo(f"(understood as: {result.standalone_question})")
    if result.refused:
        if result.passages:
            typer.echo("\nNearest sources:")
            for p in result.passages[:3]:
                typer.echo(f"[{p.n}] {_describe(p)}")
        return
    typer.echo("\nSources:")
    shown: set[tuple[int, int, int]] = set()
    for c in result.citations:
        if (c.n, c.start, c.end) in shown:
            continue
        shown.add((c.n, c.start, c.end))
        mark = "verified" if c.verified else "NOT VERIFIED"
        typer.echo(f"[{c.n}] {_describe(c)}")
        typer.echo(f"    “{c.quote}” ({mark}, chars {c.start}–{c.end})")


def _describe(item: Any) -> str:
    parts = [item.outlet or "unknown outlet", item.published_at or "date unknown"]
    line = f"{item.title} — {', '.join(parts)}"
    return line + (f"\n    {item.url}" if item.url else "")


def _read_history(path: Path) -> list[dict[str, str]]:
    """Turns in Gradio's messages format, validated."""
    try:
        turns = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        err(f"error: cannot read history {path}: {exc}")
        raise typer.Exit(2) from exc
    ok = isinstance(turns, list) and all(
        isinstance(t, dict) and t.get("role") in ("user", "assistant") and "content" in t
        for t in turns
    )
    if not ok:
        err(f'error: {path} must hold [{{"role": "user"|"assistant", "content": "..."}}, ...]')
        raise typer.Exit(2)
    return [{"role": t["role"], "content": str(t["content"])} for t in turns]

"""The `qa` command line: ingest, inspect and delete articles; ask questions."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from qa.cli_ask import ask
from qa.cli_common import (
    DataDir,
    JsonFlag,
    emit_json,
    err,
    load_settings,
    open_index,
    out,
    plural,
)
from qa.cli_doctor import doctor
from qa.cli_eval import eval_command
from qa.cli_quotes import quotes
from qa.cli_serve import serve
from qa.config import build_index
from qa.errors import QAError

PASTED = "<pasted text>"

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        from qa.version import version

        typer.echo(f"article-qa {version()}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Ask questions about news articles; every answer cites the exact quoted passage.

    Exit codes: 0 success, 1 failure (empty index, unreachable backend, failed input), 2 usage.
    """


@app.command()
def ingest(
    inputs: Annotated[
        list[str], typer.Argument(help="Files, folders, URLs, feeds, or - for JSONL on stdin.")
    ],
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """Add or update articles: .txt .md .html .json .jsonl, RSS/Atom, URLs (unchanged: skipped)."""
    from index.loaders import load_inputs
    from qa.progress import ingest_progress

    settings = load_settings(data_dir)
    index = open_index(settings)
    parse_missing(index)
    items = load_inputs(inputs, max_bytes=settings.max_file_bytes, stdin=sys.stdin)
    with ingest_progress(enabled=sys.stderr.isatty()) as progress:
        report = index.ingest(items, progress)
    for failure in report.failed:
        where = f"{failure.path}:{failure.line}" if failure.line else failure.path
        err(f"failed: {where}: {failure.reason}")
    for skip in report.skipped:
        err(f"skipped: {skip.path}: {skip.reason}")
    if as_json:
        emit_json(report.to_json())
        err(report.summary())
    else:
        out(report.summary())
    raise typer.Exit(1 if report.failed else 0)


@app.command("list")
def list_articles(
    data_dir: DataDir = None,
    outlet: Annotated[list[str] | None, typer.Option(help="Only this outlet (repeatable).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List indexed articles, newest first."""
    from index.catalog import Filters
    from qa.untrusted import escape_controls

    index = open_index(load_settings(data_dir), must_exist=True)
    rows = index.catalog.list_articles(Filters(outlets=tuple(outlet or ())))
    if as_json:
        emit_json(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "date", "outlet", "title", "chunks", title=plural(len(rows), "article"))
    for row in rows:
        cells = (row["id"], row["published_at"] or "unknown", row["outlet"] or "unknown")
        cells += (row["title"], row["chunks"])
        table.add_row(*(escape_controls(str(cell)) for cell in cells))
    Console(markup=False, highlight=False).print(table)


class UnknownIdError(QAError):
    """No article, or several, match the id the user typed."""


def resolve_id(index: Any, given: str) -> str:
    """The full article id for a full or unambiguous short id."""
    matches = index.catalog.find_ids(given)
    if given in matches:
        return given
    if len(matches) == 1:
        return matches[0]
    reason = "no article" if not matches else f"{len(matches)} articles"
    raise UnknownIdError(f"{reason} with id {given!r} (see `qa list`)")


@app.command()
def show(
    article_id: Annotated[
        str, typer.Argument(metavar="ID", help="Article id (a prefix is enough).")
    ],
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """Show one article's metadata and full text (pasted articles are marked as such)."""
    index = open_index(load_settings(data_dir), must_exist=True)
    stored = index.catalog.get(resolve_id(index, article_id))
    a = stored.article
    data = {
        "id": a.id,
        "title": a.title,
        "outlet": a.outlet,
        "url": a.url,
        "published_at": a.published_at,
        "chunks": stored.chunk_count,
        "author": a.author,
        "ingested_at": stored.ingested_at,
        "source": a.source,
        **a.extra,
        "text": a.text,
    }
    if as_json:
        emit_json(data)
        return
    for key, value in data.items():
        if key == "text":
            continue
        shown = value if value not in (None, "") else "unknown"
        if key == "url" and a.source == PASTED and a.url:
            shown = f"{shown} (pasted — not fetched from this link)"
        elif key == "source" and a.source == PASTED:
            shown = "pasted — not fetched from this link"
        out(f"{key}: {shown}")
    out("")
    out(a.text, keep="\n\t")


@app.command()
def delete(
    article_ids: Annotated[list[str], typer.Argument(metavar="ID...", help="Article ids.")],
    data_dir: DataDir = None,
) -> None:
    """Delete articles and all their chunks."""
    index = open_index(load_settings(data_dir), must_exist=True)
    ids = [resolve_id(index, given) for given in article_ids]
    removed = index.delete(ids)
    out(f"deleted {plural(len(removed), 'article')}")


@app.command()
def info(data_dir: DataDir = None, as_json: JsonFlag = False) -> None:
    """Show the data folder, counts, embedding model and store."""
    settings = load_settings(data_dir)
    data = _numbers(open_index(settings, must_exist=True).info())
    data["backend"] = settings.backend
    if as_json:
        emit_json(data)
        return
    for key, value in data.items():
        if key == "articles":
            out(f"holds: {plural(value, 'article')}, {plural(data['chunks'], 'chunk')}")
        elif key != "chunks":
            out(f"{key}: {value}")


def _numbers(data: dict[str, Any]) -> dict[str, Any]:
    """Build facts are stored as text: numbers ("384") become numbers again."""
    return {k: int(v) if isinstance(v, str) and v.isdigit() else v for k, v in data.items()}


@app.command()
def reindex(
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
    parse_only: Annotated[
        bool,
        typer.Option(
            "--parse-only",
            help="Only re-parse quotes, speakers and dates from the stored text (no re-embedding).",
        ),
    ] = False,
) -> None:
    """Re-chunk and re-embed every article beside the live index, then switch in one step.

    Crash-safe: until the switch the old index stays live; run it again after a crash."""
    from index.reindex import ReindexError
    from qa.cli_doctor import require_catalog
    from qa.progress import ingest_progress

    settings = load_settings(data_dir)
    require_catalog(settings)
    index = build_index(settings)
    if parse_only:
        count = len(index.unparsed())
        with ingest_progress(enabled=sys.stderr.isatty()) as progress:
            parsed = index.parse_missing(progress)
        if as_json:
            emit_json({"parsed": parsed, "needed": count})
        typer.echo(f"parsed {plural(parsed, 'article')} from their stored text", err=as_json)
        return
    try:
        with ingest_progress(enabled=sys.stderr.isatty()) as progress:
            report = index.reindex(progress)
    except ReindexError as exc:
        raise QAError(str(exc)) from None
    for failure in report.failed:
        where = f"{failure.path}:{failure.line}" if failure.line else failure.path
        err(f"failed: {where}: {failure.reason}")
    if as_json:
        emit_json(report.to_json())
    if report.failed:
        line = (
            f"reindex stopped: {plural(len(report.failed), 'article')} failed; the old index stays"
        )
    elif report.unchanged:
        line = f"finished an interrupted reindex: {plural(report.unchanged, 'article')}"
    else:
        line = f"reindexed {plural(report.added, 'article')}, {plural(report.chunks, 'chunk')}"
        line += f" in {report.seconds:.1f} s"
    typer.echo(line, err=as_json)
    raise typer.Exit(1 if report.failed else 0)


def parse_missing(index: Any) -> None:
    """Parse articles indexed before who-said-what existed (or by another extractor version)."""
    from qa.progress import ingest_progress

    missing = len(index.unparsed())
    if not missing:
        return
    err(f"parsing {plural(missing, 'article')} indexed without who-said-what (no re-embedding)…")
    with ingest_progress(enabled=sys.stderr.isatty()) as progress:
        index.parse_missing(progress)


app.command()(ask)
app.command("eval")(eval_command)
app.command()(serve)
app.command()(doctor)
app.command()(quotes)


def main() -> None:
    """Entry point of the `qa` console script: exit 0 success, 1 failure, 2 usage error."""
    from index.embed import stay_offline
    from qa.cli_errors import run_app

    stay_offline()
    sys.exit(run_app(app, sys.argv[1:]))

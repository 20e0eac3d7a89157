"""The `qa` command line: ingest, inspect and delete articles; ask questions."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from qa.cli_ask import ask
from qa.cli_common import DataDir, JsonFlag, emit_json, err, load_settings, open_index
from qa.cli_doctor import doctor
from qa.cli_eval import eval_command
from qa.cli_serve import serve
from qa.config import build_index

app = typer.Typer(
    help="Ask questions about news articles; every answer cites the exact quoted passage.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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
        typer.echo(report.summary())
    raise typer.Exit(1 if report.failed else 0)


@app.command("list")
def list_articles(
    data_dir: DataDir = None,
    outlet: Annotated[list[str] | None, typer.Option(help="Only this outlet (repeatable).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List indexed articles, newest first."""
    from index.catalog import Filters

    index = open_index(load_settings(data_dir))
    rows = index.catalog.list_articles(Filters(outlets=tuple(outlet or ())))
    if as_json:
        emit_json(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "date", "outlet", "title", "chunks", title=f"{len(rows)} articles")
    for row in rows:
        table.add_row(
            str(row["id"]),
            str(row["published_at"] or "unknown"),
            str(row["outlet"] or "unknown"),
            str(row["title"]),
            str(row["chunks"]),
        )
    Console(markup=False, highlight=False).print(table)


def resolve_id(index: Any, given: str) -> str:
    """The full article id for a full or unambiguous short id."""
    matches = index.catalog.find_ids(given)
    if given in matches:
        return given
    if len(matches) == 1:
        return matches[0]
    reason = "no article" if not matches else f"{len(matches)} articles"
    err(f"error: {reason} with id {given!r} (see `qa list`)")
    raise typer.Exit(1)


@app.command()
def show(
    article_id: Annotated[
        str, typer.Argument(metavar="ID", help="Article id (a prefix is enough).")
    ],
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """Show one article's metadata and full text."""
    index = open_index(load_settings(data_dir))
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
        if key != "text":
            typer.echo(f"{key}: {value if value not in (None, '') else 'unknown'}")
    typer.echo("")
    typer.echo(a.text)


@app.command()
def delete(
    article_ids: Annotated[list[str], typer.Argument(metavar="ID...", help="Article ids.")],
    data_dir: DataDir = None,
) -> None:
    """Delete articles and all their chunks."""
    index = open_index(load_settings(data_dir))
    ids = [resolve_id(index, given) for given in article_ids]
    removed = index.delete(ids)
    typer.echo(f"deleted {len(removed)} article(s)")


@app.command()
def info(data_dir: DataDir = None, as_json: JsonFlag = False) -> None:
    """Show the data folder, counts, embedding model and store."""
    settings = load_settings(data_dir)
    data = build_index(settings).info()
    data["backend"] = settings.backend
    if as_json:
        emit_json(data)
        return
    for key, value in data.items():
        typer.echo(f"{key}: {value}")


@app.command()
def reindex(data_dir: DataDir = None, as_json: JsonFlag = False) -> None:
    """Re-chunk and re-embed every article beside the live index, then switch in one step.

    Crash-safe: until the switch the old index stays live; run it again after a crash."""
    from index.reindex import ReindexError
    from qa.errors import EmptyIndexError
    from qa.progress import ingest_progress

    settings = load_settings(data_dir)
    if not (settings.data_dir / f"{settings.collection}.sqlite").is_file():
        err(str(EmptyIndexError(settings.data_dir)))
        raise typer.Exit(1)
    index = build_index(settings)
    try:
        with ingest_progress(enabled=sys.stderr.isatty()) as progress:
            report = index.reindex(progress)
    except ReindexError as exc:
        err(f"error: {exc}")
        raise typer.Exit(1) from exc
    for failure in report.failed:
        err(f"failed: {failure.path}: {failure.reason}")
    if as_json:
        emit_json(report.to_json())
    if report.failed:
        line = f"reindex stopped: {len(report.failed)} article(s) failed; the old index stays"
    elif report.unchanged:
        line = f"finished an interrupted reindex: {report.unchanged} articles"
    else:
        line = f"reindexed {report.added} articles, {report.chunks} chunks"
        line += f" in {report.seconds:.1f} s"
    typer.echo(line, err=as_json)
    raise typer.Exit(1 if report.failed else 0)


app.command()(ask)
app.command("eval")(eval_command)
app.command()(serve)
app.command()(doctor)


def main() -> None:
    """Entry point of the `qa` console script."""
    from index.embed import stay_offline

    stay_offline()
    app()

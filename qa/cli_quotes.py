"""`qa quotes`: what people said in the indexed articles, newest first."""

from __future__ import annotations

from typing import Annotated

import typer

from qa.cli_common import DataDir, JsonFlag, UsageProblem, emit_json, load_settings, open_index, out


def quotes(
    speaker: Annotated[
        str | None,
        typer.Option(help="Only this speaker: any part of the name, case and accents ignored."),
    ] = None,
    about: Annotated[
        str | None, typer.Option(help="Only quotes whose words or sentence mention this.")
    ] = None,
    article: Annotated[str | None, typer.Option(help="Only this article id.")] = None,
    since: Annotated[str | None, typer.Option(help="Only articles on/after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Only articles on/before YYYY-MM-DD.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many quotes.", min=1)] = 200,
    offset: Annotated[
        int, typer.Option(help="Skip the newest N first (the next page: --offset 200).", min=0)
    ] = 0,
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """List quotes and reported statements with their speakers (who said what, and when)."""
    from index import facts
    from index.names import tokens
    from qa.retrieve import make_filters

    settings = load_settings(data_dir)
    index = open_index(settings, must_exist=True)
    try:
        dates = make_filters(since=since, until=until)
    except ValueError as exc:
        raise UsageProblem(str(exc)) from None
    ids: list[str] = []
    if article:
        from qa.cli import resolve_id

        ids = [resolve_id(index, article)]
    found = facts.search_quotes(
        index.catalog.reader,
        speaker_words=tokens(speaker) if speaker else (),
        about=about,
        article_ids=ids,
        since=dates.since,
        until=dates.until,
        limit=limit,
        offset=offset,
    )
    if as_json:
        emit_json([q.to_json() for q in found])
        return
    if not found:
        out("no quotes match")
        return
    for q in found:
        kind = "" if q.direct else " (reported)"
        when = q.published_at or "date unknown"
        marks = ("“", "”") if q.direct else ("", "")
        out(f"{q.speaker}{kind}, {when} [{q.article_id}]")
        out(f"    {marks[0]}{q.quote}{marks[1]}")

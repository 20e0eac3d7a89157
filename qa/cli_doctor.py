"""`qa doctor`: check that articles, chunks, search rows and vectors agree; `--repair` fixes."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from qa.cli_common import (
    DataDir,
    DataDirError,
    JsonFlag,
    catalog_path,
    emit_json,
    err,
    load_settings,
    out,
    plural,
)
from qa.config import Settings, build_index
from qa.errors import EmptyIndexError

RepairFlag = Annotated[
    bool,
    typer.Option(
        "--repair",
        help="Fix what can be fixed: delete orphans, rebuild search rows, re-embed articles from "
        "their stored text (takes the write lock). A damaged file is never repaired.",
    ),
]


def doctor(repair: RepairFlag = False, data_dir: DataDir = None, as_json: JsonFlag = False) -> None:
    """Check that articles, chunks, search rows and vectors agree (exit 0 only if they do)."""
    from index.doctor import diagnose
    from index.repair import repair as repair_index

    settings = load_settings(data_dir)
    require_catalog(settings)
    index = build_index(settings)
    found = diagnose(index)
    damaged = [p for p in found.problems if p.kind == "sqlite_integrity"]
    if not found.problems and found.articles == 0 and found.vectors == 0:
        raise EmptyIndexError(settings.data_dir)
    if repair and found.problems and not damaged:
        found = repair_index(index, say=err if as_json else out)
    for problem in damaged:
        err(f"error: {problem.detail}")
    if as_json:
        emit_json(found.to_json())
    else:
        _print(found, repair)
    raise typer.Exit(0 if found.ok else 1)


def warn_if_inconsistent(index: Any) -> None:
    """`qa serve`'s start-up check: warn (and point to `qa doctor --repair`), never stop."""
    from index.doctor import quick_check

    for warning in quick_check(index):
        err(f"warning: {warning}: run `qa doctor --repair`")


def require_catalog(settings: Settings) -> None:
    """A missing data folder or catalog is "nothing indexed" (and is never created here)."""
    if settings.data_dir.exists() and not settings.data_dir.is_dir():
        raise DataDirError(settings.data_dir)
    if not catalog_path(settings).is_file():
        raise EmptyIndexError(settings.data_dir)


def _print(found: Any, repaired: bool) -> None:
    counts = ", ".join(
        plural(n, noun)
        for n, noun in (
            (found.articles, "article"),
            (found.chunks, "chunk"),
            (found.vectors, "vector"),
        )
    )
    for problem in found.problems:
        if problem.kind != "sqlite_integrity":
            out(f"{problem.kind} {problem.article_id or '-'}: {problem.detail}")
    if found.pending:
        out(f"({plural(found.pending, 'chunk id')} of a write in progress elsewhere: not counted)")
    if found.ok:
        out(f"ok: {counts}")
        return
    damaged = any(p.kind == "sqlite_integrity" for p in found.problems)
    hint = "" if repaired or damaged else ": run `qa doctor --repair`"
    out(f"{plural(len(found.problems), 'problem')} in {counts}{hint}")

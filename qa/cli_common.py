"""What every `qa` command shares: settings, output helpers, opening the index."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from qa.config import Settings, build_index

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Index folder (default: QA_DATA_DIR or a per-user folder)."),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print only JSON on stdout.")]


def load_settings(data_dir: Path | None = None, **overrides: Any) -> Settings:
    """Settings from the environment, with explicit CLI options on top."""
    values = {k: v for k, v in overrides.items() if v is not None}
    if data_dir is not None:
        values["data_dir"] = data_dir
    return Settings(**values)


def err(message: str) -> None:
    """Print to stderr (stdout is kept for results and JSON)."""
    typer.echo(message, err=True)


def emit_json(data: object) -> None:
    """Print JSON to stdout."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def open_index(settings: Settings):  # noqa: ANN201
    """Build the index, turning a model/chunker mismatch into a clear exit."""
    from index.store import IndexMismatchError

    index = build_index(settings)
    try:
        index.check_compatible()
    except IndexMismatchError as exc:
        err(f"error: {exc}")
        raise typer.Exit(2) from exc
    return index

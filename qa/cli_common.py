"""What every `qa` command shares: settings, output helpers, opening the index."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from qa.config import Settings, build_index
from qa.errors import EmptyIndexError, QAError
from qa.untrusted import escape_controls

if TYPE_CHECKING:
    from pydantic import ValidationError

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Index folder (default: QA_DATA_DIR or a per-user folder)."),
]
JsonFlag = Annotated[
    bool, typer.Option("--json", help="Print only JSON on stdout (errors: one line on stderr).")
]

# Settings that a command line option can set, and that option's name.
OPTION_NAMES = {
    "data_dir": "--data-dir",
    "backend": "--backend",
    "top_k": "--k",
    "llm_model": "--model",
    "llm_base_url": "--base-url",
}
_SECRET_HINTS = ("key", "url", "auth", "password", "token")
# The settings the running command loaded, so the top-level error handler can name files.
LOADED: dict[str, Settings] = {}


class UsageProblem(QAError):
    """The command, an option or a setting is wrong: exit code 2."""

    exit_code = 2


class SettingsError(UsageProblem):
    """A QA_* variable (or the option that overrides it) holds a value Settings refuses."""

    @classmethod
    def from_validation(cls, exc: ValidationError, from_options: set[str]) -> SettingsError:
        """One line naming each bad variable (or option) and what is wrong with it."""
        parts, from_env = [], False
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            option = OPTION_NAMES.get(field) if field in from_options else None
            from_env = from_env or option is None
            secret = any(hint in field for hint in _SECRET_HINTS) or "input" not in error
            value = "" if secret else str(error["input"])[:60]
            if option:
                shown = f"{option} {value}".strip()
            else:
                shown = f"QA_{field.upper()}" + (f"={value!r}" if value else "")
            parts.append(f"{shown}: {error['msg']}")
        tail = " (fix or unset it; README 'Settings' lists them)" if from_env else ""
        return cls(f"invalid {'; '.join(parts)}{tail}")


class DataDirError(QAError):
    """The data folder path exists but is not a folder."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(
            f"the data folder {data_dir} is a file, not a folder: point QA_DATA_DIR or "
            "--data-dir at a folder"
        )


def load_settings(data_dir: Path | None = None, **overrides: Any) -> Settings:
    """Settings from the environment, with explicit CLI options on top."""
    from pydantic import ValidationError

    values = {k: v for k, v in overrides.items() if v is not None}
    if data_dir is not None:
        values["data_dir"] = data_dir
    try:
        settings = Settings(**values)
    except ValidationError as exc:
        raise SettingsError.from_validation(exc, set(values)) from None
    LOADED["settings"] = settings
    return settings


def catalog_path(settings: Settings) -> Path:
    """The SQLite catalog file the index keeps in the data folder."""
    return settings.data_dir / f"{settings.collection}.sqlite"


def err(message: str) -> None:
    """Print to stderr (stdout is kept for results and JSON), control characters escaped."""
    typer.echo(escape_controls(message, keep="\n"), err=True)


def out(text: object, keep: str = "") -> None:
    """Print untrusted text to stdout with control characters escaped (`keep`: allowed ones)."""
    typer.echo(escape_controls(str(text), keep=keep))


def plural(count: int, noun: str) -> str:
    """The count and the noun, plural unless the count is 1 ("1 article", "2 articles")."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def emit_json(data: object) -> None:
    """Print JSON to stdout (text exact: JSON escapes control characters itself)."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def open_index(settings: Settings, *, must_exist: bool = False):  # noqa: ANN201
    """Build the index, turning a model/chunker mismatch into a clear exit.

    With `must_exist` (read-only commands) nothing is created: a missing or empty index raises
    EmptyIndexError.
    """
    from index.store import IndexMismatchError

    data_dir = settings.data_dir
    if data_dir.exists() and not data_dir.is_dir():
        raise DataDirError(data_dir)
    if must_exist and not catalog_path(settings).is_file():
        raise EmptyIndexError(data_dir)
    index = build_index(settings)
    try:
        index.check_compatible()
    except IndexMismatchError as exc:
        raise UsageProblem(str(exc)) from None
    if must_exist and index.catalog.counts()[0] == 0:
        raise EmptyIndexError(data_dir)
    return index

"""The `qa` command's last line of defence: every user error becomes one line and an exit code.

0 success; 1 runtime failure (empty index, unreachable backend, a failed input, a damaged
catalog, a file system error); 2 usage error (bad option, argument or setting).
"""

from __future__ import annotations

import errno
import sqlite3
from typing import Any

import typer

from qa.cli_common import LOADED, SettingsError, catalog_path, err
from qa.errors import QAError

_OS_HINTS = {
    errno.EACCES: "check its permissions or choose another folder with --data-dir/QA_DATA_DIR",
    errno.EPERM: "check its permissions or choose another folder with --data-dir/QA_DATA_DIR",
    errno.EROFS: "choose a writable folder with --data-dir/QA_DATA_DIR",
    errno.ENOSPC: "free some disk space and run the command again",
    errno.ENOTDIR: "a part of this path is a file: point --data-dir/QA_DATA_DIR at a folder",
    errno.EEXIST: "a file stands where a folder should be: point --data-dir/QA_DATA_DIR elsewhere",
}


def run_app(app: Any, args: list[str]) -> int:
    """Run the Typer app and return its exit code; user errors print one line to stderr."""
    from pydantic import ValidationError

    click = _click_exceptions()
    try:
        code = app(args=args, prog_name="qa", standalone_mode=False)
    except click.NoArgsIsHelpError:
        return 2  # the help is already printed
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "qa"
        err(f"error: {exc.format_message().rstrip('.')} (see `{where} --help`)")
        return 2
    except click.ClickException as exc:
        err(f"error: {exc.format_message()}")
        return exc.exit_code
    except typer.Abort:
        err("aborted")
        return 130
    except QAError as exc:
        err(f"error: {exc}")
        return int(getattr(exc, "exit_code", 1))
    except ValidationError as exc:
        err(f"error: {SettingsError.from_validation(exc, set())}")
        return 2
    except sqlite3.DatabaseError as exc:
        err(f"error: {_catalog_message(exc)}")
        return 1
    except OSError as exc:
        err(f"error: {_os_message(exc)}")
        return 1
    return code if isinstance(code, int) else 0


def _click_exceptions() -> Any:
    """The click exceptions Typer raises (Typer 0.2x vendors click as `typer._click`)."""
    try:
        from typer._click import exceptions
    except ImportError:  # older Typer: plain click
        from click import exceptions
    return exceptions


def _catalog_message(exc: sqlite3.DatabaseError) -> str:
    settings = LOADED.get("settings")
    path = catalog_path(settings) if settings else "the catalog"
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "locked" in text or "busy" in text:
        return f"{path} is busy ({text}): another qa process is writing to it; try again"
    if isinstance(exc, sqlite3.OperationalError) and "malformed" not in text:
        return f"cannot use {path} ({text}): check the file and its folder's permissions"
    return (
        f"the catalog {path} is damaged ({text}): restore it from a backup, or move it away "
        "and re-ingest the articles; `qa doctor` checks the index"
    )


def _os_message(exc: OSError) -> str:
    where = exc.filename or ""
    reason = exc.strerror or str(exc) or type(exc).__name__
    hint = _OS_HINTS.get(exc.errno or 0)
    line = f"{where}: {reason}" if where else reason
    return f"{line} ({hint})" if hint else line

"""`qa serve`: the Gradio chat in the browser, offline."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from qa.cli_common import DataDir, err, load_settings


def serve(
    host: Annotated[
        str, typer.Option(help="Address to bind (a non-loopback one needs --auth or --force).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 7860,
    auth: Annotated[
        str | None, typer.Option(help="Require a login, user:password (or QA_AUTH).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Allow a non-loopback address without --auth.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Open the chat in the browser (Gradio), offline."""
    from index.embed import stay_offline
    from ui.security import check_exposure, parse_auth

    stay_offline()
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    try:
        credentials = parse_auth(auth or os.environ.get("QA_AUTH"))
        check_exposure(host, credentials, force)
    except ValueError as exc:
        err(f"error: {exc}")
        raise typer.Exit(2) from exc
    from index.store import IndexMismatchError
    from qa.service import QAService

    settings = load_settings(data_dir)
    service = QAService(settings)
    try:
        count = len(service.list_articles())  # opens and checks the index before the page does
    except IndexMismatchError as exc:
        err(f"error: {exc}")
        raise typer.Exit(2) from exc
    from qa.cli_doctor import warn_if_inconsistent
    from ui.app import launch

    warn_if_inconsistent(service.index)
    err(f"data: {settings.data_dir} ({count} articles); backend: {settings.backend}")
    err(f"open http://{'[' + host + ']' if ':' in host else host}:{port}/ (Ctrl-C to stop)")
    launch(service, host, port, credentials, force=force)

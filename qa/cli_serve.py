"""`qa serve`: the Gradio chat in the browser, offline."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from qa.cli_common import DataDir, err, load_settings, plural


def serve(
    host: Annotated[
        str, typer.Option(help="Address to bind (a non-loopback one needs --auth or --force).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 7860,
    auth: Annotated[
        str | None,
        typer.Option(
            help="Require a login, user:password. Prefer the QA_AUTH variable: an option shows "
            "in `ps`."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Allow a non-loopback address without --auth.")
    ] = False,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="Another Host name (NAME or NAME:PORT) to answer to, e.g. behind a proxy; "
            "repeatable (or QA_ALLOW_HOSTS, comma-separated).",
        ),
    ] = None,
    allow_updates: Annotated[
        bool,
        typer.Option(
            "--allow-updates",
            help="Let the Library tab and /add replace an indexed article's text "
            "(QA_ALLOW_UPDATES).",
        ),
    ] = False,
    read_only: Annotated[
        bool,
        typer.Option("--read-only", help="No adding or deleting articles (QA_READ_ONLY)."),
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Open the chat in the browser (Gradio), offline."""
    from index.embed import stay_offline
    from ui.guard import allowed_hosts
    from ui.security import check_exposure, parse_auth
    from ui.server import PortInUseError, bind

    stay_offline()
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    if auth:
        err("warning: --auth shows the password to anyone who can run `ps`; set QA_AUTH instead")
    try:
        credentials = parse_auth(auth or os.environ.get("QA_AUTH"))
        check_exposure(host, credentials, force)
        allowed_hosts(host, port, allow_host or ())  # a malformed --allow-host fails here
    except ValueError as exc:
        err(f"error: {exc}")
        raise typer.Exit(2) from exc
    overrides = {"allow_updates": allow_updates or None, "read_only": read_only or None}
    settings = load_settings(data_dir, **overrides)
    # Bind first: a busy port fails in a second, before the index and Gradio load.
    try:
        sock = bind(host, port)
    except PortInUseError as exc:
        err(f"error: {exc.strerror}")
        raise typer.Exit(1) from None
    except OSError as exc:
        err(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}")
        raise typer.Exit(1) from None
    from index.store import IndexMismatchError
    from qa.service import QAService

    service = QAService(settings)
    try:
        count = len(service.list_articles())  # opens and checks the index before the page does
        service.visitor_backends()
        service.warm_up()
    except (IndexMismatchError, ValueError) as exc:
        sock.close()
        err(f"error: {exc}")
        raise typer.Exit(2) from exc
    from qa.cli_doctor import warn_if_inconsistent
    from ui.app import launch

    warn_if_inconsistent(service.index)
    modes = [
        mode
        for mode, on in (
            ("read-only", settings.read_only),
            ("updates allowed", settings.allow_updates),
        )
        if on
    ]
    err(
        f"data: {settings.data_dir} ({plural(count, 'article')}); backends: "
        f"{', '.join(service.visitor_backends())}" + (f"; {', '.join(modes)}" if modes else "")
    )

    def ready(url: str) -> None:
        err(f"open {url} (Ctrl-C to stop)")

    launch(
        service,
        host,
        sock.getsockname()[1],
        credentials,
        force=force,
        sock=sock,
        allow_hosts=allow_host or (),
        ready=ready,
    )

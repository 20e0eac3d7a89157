"""The API: named endpoints for gradio_client (/ask, /add, /articles, /quotes) and a plain
GET /quotes for scripts and browsers."""

from __future__ import annotations

from typing import Any

import gradio as gr

from qa.service import QAService, RequestRefusedError
from ui import chat, library, quotes
from ui.security import Scrubber, visitor_message

ADD_DESCRIPTION = (
    "Add pasted text (with optional title, url, outlet, date YYYY-MM-DD) and/or files; returns "
    "the `qa ingest --json` summary plus `changes` (what each allowed update replaced). An "
    "article already indexed with other text is refused unless the operator allows updates. "
    "gradio_client mistakes its failures' {path: …} entries for files to download: connect "
    "with Client(url, download_files=False)."
)
ASK_CONCURRENCY = 16  # asks at once; each waits on I/O or native code most of the time
ADD_CONCURRENCY = 4  # writes queue on the index's writer lock anyway


def add_api(service: QAService, scrub: Scrubber) -> None:
    """Named endpoints for gradio_client: /ask, /add, /articles."""

    def ask(question: str, history: str = "", backend: str = "", k: int = 0) -> dict:
        """Answer like `qa ask --json`; history is a JSON list of {role, content} turns; backend
        one of those the operator offers; k at most 20."""
        try:
            return chat.api_ask(service, question, history, backend, k)
        except Exception as exc:  # tell the caller why, never where the operator's servers are
            raise gr.Error(
                visitor_message(exc, scrub, "answering /ask"), print_exception=False
            ) from None

    def articles(search: str = "") -> list:
        """Indexed articles (id, title, outlet, url, published_at, chunks), newest first."""
        return service.list_articles(search)

    def said(
        speaker: str = "",
        about: str = "",
        since: str = "",
        until: str = "",
        limit: int = 0,
        offset: int = 0,
    ) -> list:
        """What people said, like `qa quotes --json` (plus each article's title, outlet and url):
        speaker matches whole words of the name, case and accents ignored; about is a word
        search of the quote and its sentence; since/until YYYY-MM-DD; newest first; limit at
        most 500; offset skips that many (the next page)."""
        try:
            return quotes.api_quotes(service, speaker, about, since, until, limit, offset)
        except Exception as exc:
            raise gr.Error(
                visitor_message(exc, scrub, "listing /quotes"), print_exception=False
            ) from None

    gr.api(ask, api_name="ask", concurrency_limit=ASK_CONCURRENCY)
    gr.api(articles, api_name="articles", concurrency_limit=ASK_CONCURRENCY)
    gr.api(said, api_name="quotes", concurrency_limit=ASK_CONCURRENCY)
    with gr.Column(visible=False):
        fields = [gr.Textbox(label=name) for name in ("text", "title", "url", "outlet", "date")]
        files = gr.File(file_count="multiple", label="files")
        result = gr.JSON()
        trigger = gr.Button()

    def add(
        text: str | None = None,
        title: str | None = None,
        url: str | None = None,
        outlet: str | None = None,
        date: str | None = None,
        files: list[str] | None = None,
    ) -> dict:
        """Add pasted text and/or files; returns the `qa ingest --json` summary."""
        parts = []
        if files:
            parts.append(library.add_files(service, scrub, files)[0])
        if (text or "").strip() or not files:
            pasted = (text, title, url, outlet, date)
            parts.append(library.add_text(service, scrub, *(f or "" for f in pasted))[0])
        return library.combine(parts)

    # postprocess=False: Gradio would take the report's {"path": ...} failures for files to serve.
    trigger.click(
        add,
        [*fields, files],
        result,
        api_name="add",
        api_description=ADD_DESCRIPTION,
        postprocess=False,
        concurrency_limit=ADD_CONCURRENCY,
    )


def add_quotes_route(api: Any, service: QAService, scrub: Scrubber) -> None:
    """GET /quotes?speaker=&about=&since=&until=&limit= on the app that mounts Gradio: the
    /quotes list as JSON, behind the same login check as Gradio's /config and the Host guard;
    a refused value is a 400 with {"error": …}, never a traceback."""
    from fastapi.responses import JSONResponse
    from starlette.routing import Mount

    mounted = next(r.app for r in api.routes if isinstance(r, Mount) and r.path == "")
    config = [r for r in mounted.routes if getattr(r, "path", None) == "/config"]
    guards = list(getattr(config[0], "dependencies", None) or ()) if config else []
    if not guards:  # a Gradio that guards /config otherwise: never add an unguarded route
        raise RuntimeError("cannot find the login check of Gradio's /config to guard GET /quotes")

    def route(
        speaker: str = "",
        about: str = "",
        since: str = "",
        until: str = "",
        limit: str = "",
        offset: str = "",
    ) -> JSONResponse:
        try:
            found = quotes.api_quotes(service, speaker, about, since, until, limit, offset)
        except Exception as exc:
            status = 400 if isinstance(exc, RequestRefusedError | ValueError) else 500
            message = visitor_message(exc, scrub, "listing GET /quotes")
            return JSONResponse({"error": message}, status_code=status)
        return JSONResponse(found)

    api.add_api_route("/quotes", route, methods=["GET"], dependencies=guards)
    api.router.routes.insert(0, api.router.routes.pop())  # before the mount at "/"

"""The Gradio app: `create_app` builds the page and its API, `launch` serves it offline."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

import gradio as gr

from qa.service import MAX_K, QAService
from qa.version import version
from ui import chat, library, quotes, quotes_tab
from ui.api import ADD_CONCURRENCY, ASK_CONCURRENCY, add_api, add_quotes_route
from ui.format import esc, sources_panel
from ui.security import Scrubber, check_exposure
from ui.server import RunningServer
from ui.style import CSS, JS, SCROLL_TO_STATUS, theme

EXAMPLES = [
    "What did Putin say about trade?",
    "What did Putin and Xi call each other?",
    "What did Putin say about energy cooperation?",
]
PRIVATE: dict[str, Any] = {"api_visibility": "private"}
ASKING: dict[str, Any] = {**PRIVATE, "concurrency_limit": ASK_CONCURRENCY}
WRITING: dict[str, Any] = {**PRIVATE, "concurrency_limit": ADD_CONCURRENCY}


def header_html(service: QAService) -> str:
    """The title line with the version and the current article count."""
    count = len(service.list_articles())
    noun = "article" if count == 1 else "articles"
    read_only = service.settings.read_only
    mode = " Read-only: the operator has turned off adding and deleting." if read_only else ""
    return (
        f'<h1>Article QA <span class="version">v{esc(version())}</span></h1>'
        "<p>Ask about the indexed news articles: every answer sentence cites the exact quoted "
        f"passage. <b>{count}</b> {noun} indexed.{mode}</p>"
    )


def create_app(service: QAService, scrub: Scrubber | None = None) -> gr.Blocks:
    """Build the chat, quotes and library tabs plus the /ask, /add, /articles and /quotes API
    (nothing runs)."""
    settings = service.settings
    scrub = scrub or Scrubber.from_settings(settings)
    backends = service.visitor_backends()
    with gr.Blocks(title="Article QA", analytics_enabled=False, fill_width=True) as app:
        header = gr.HTML(elem_id="app-header")
        state = gr.State(chat.new_state())
        with gr.Tab("Ask"):
            with gr.Row(equal_height=False, elem_id="ask-row"):
                with gr.Column(scale=3, min_width=360):
                    bot = gr.Chatbot(
                        show_label=False,
                        height=540,
                        render_markdown=False,  # we send finished, escaped HTML
                        sanitize_html=True,
                        latex_delimiters=[],  # "$245 billion … $" is money, not math
                        buttons=["copy"],
                        feedback_options=None,
                        placeholder="Ask a question about the indexed articles.",
                        elem_id="chat",
                    )
                    with gr.Row(elem_id="ask-line"):
                        box = gr.Textbox(
                            show_label=False,
                            placeholder="Ask about the articles…",
                            scale=8,
                            autofocus=True,
                            elem_id="question",
                        )
                        send = gr.Button(
                            "Ask", variant="primary", scale=0, min_width=80, elem_id="ask"
                        )
                    with gr.Row(elem_id="examples"):
                        gr.HTML('<span class="try">Try:</span>')
                        example_buttons = [gr.Button(q, size="sm") for q in EXAMPLES]
                    with gr.Accordion("Settings", open=False):
                        with gr.Row():
                            # Names only: the operator's settings hold each backend's URL and key.
                            backend = gr.Dropdown(
                                backends,
                                value=backends[0],
                                label="Answer backend",
                                interactive=len(backends) > 1,
                                elem_id="backend",
                            )
                            k = gr.Slider(
                                1,
                                MAX_K,
                                value=min(settings.top_k, MAX_K),
                                step=1,
                                label="Passages (k)",
                            )
                        with gr.Row():
                            outlets = gr.Dropdown([], multiselect=True, label="Only outlets")
                            since = gr.Textbox(label="Since", placeholder="YYYY-MM-DD")
                            until = gr.Textbox(label="Until", placeholder="YYYY-MM-DD")
                with gr.Column(scale=2, min_width=300):
                    gr.Markdown("### Sources")
                    sources = gr.HTML(sources_panel([]), elem_id="sources")
        with gr.Tab("Quotes"):
            said = quotes_tab.build()
        with gr.Tab("Library"):
            lib = _library_tab(read_only=settings.read_only)
        gr.HTML(f'<div class="app-footer">article-qa v{esc(version())}</div>', elem_id="app-footer")

        def respond(question: str, history: Any, memory: Any, *options: Any) -> Any:
            yield from chat.respond(service, scrub, question, history, memory, *options)

        ask_inputs = [box, bot, state, backend, k, outlets, since, until]
        ask_outputs = [box, bot, sources, state]
        for trigger in (box.submit, send.click):
            trigger(respond, ask_inputs, ask_outputs, **ASKING)
        for button, question in zip(example_buttons, EXAMPLES, strict=True):
            button.click(lambda q=question: q, None, box, **PRIVATE).then(
                respond, ask_inputs, ask_outputs, **ASKING
            )
        # The chat's own trash button must also forget the turns behind follow-ups.
        bot.clear(lambda: (sources_panel([]), chat.new_state()), None, [sources, state], **PRIVATE)

        def refresh(search: str = "") -> tuple[str, Any, Any, Any]:
            rows = library.table_rows(service, search)
            speakers = gr.Dropdown(choices=quotes.speaker_choices(service))
            return header_html(service), rows, gr.Dropdown(choices=service.outlets()), speakers

        refreshed = [header, lib["table"], outlets, said["speaker"]]
        quotes_tab.wire(service, scrub, said, ASKING)
        _wire_library(service, scrub, lib, refresh, refreshed)
        app.load(refresh, [lib["search"]], refreshed, **PRIVATE)
        add_api(service, scrub)
    return app


def _library_tab(read_only: bool = False) -> dict[str, Any]:
    """The library widgets, by name (no add form or delete button on a read-only server)."""
    w: dict[str, Any] = {}
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, visible=not read_only, min_width=320):
            gr.Markdown("### Add articles")
            with gr.Tab("Upload"):
                kinds = ", ".join(library.ALLOWED_TYPES)
                w["files"] = gr.File(
                    file_count="multiple",
                    file_types=list(library.ALLOWED_TYPES),
                    label=f"Files ({kinds}; up to {library.MAX_FILES})",
                    elem_id="upload",
                )
                w["add_files"] = gr.Button("Add files", variant="primary", elem_id="add-files")
            with gr.Tab("Paste"):
                w["title"] = gr.Textbox(label="Title", elem_id="paste-title")
                w["text"] = gr.Textbox(label="Text", lines=6, elem_id="paste-text")
                with gr.Row():
                    w["url"] = gr.Textbox(label="URL", elem_id="paste-url", scale=2, min_width=120)
                    w["outlet"] = gr.Textbox(label="Outlet", elem_id="paste-outlet", min_width=80)
                    w["date"] = gr.Textbox(
                        label="Date", placeholder="YYYY-MM-DD", elem_id="paste-date", min_width=80
                    )
                w["add_text"] = gr.Button("Add article", variant="primary", elem_id="add-text")
            with gr.Tab("URL / feed"):
                w["urls"] = gr.Textbox(
                    label="Web page or RSS/Atom feed URLs, one per line", lines=3
                )
                w["add_urls"] = gr.Button("Fetch and add", variant="primary")
            # Right under the button just pressed, and scrolled into view when it changes.
            w["status"] = gr.Textbox(
                label="Result",
                lines=2,
                max_lines=8,
                interactive=False,
                elem_id="ingest-status",
                placeholder="What was added, updated or refused shows here.",
            )
        with gr.Column(scale=2):
            gr.Markdown("### Indexed articles")
            w["search"] = gr.Textbox(show_label=False, placeholder="Search title, outlet, id…")
            w["table"] = gr.Dataframe(
                headers=library.HEADERS,
                datatype=["str", "str", "str", "number", "str"],
                interactive=False,
                wrap=True,
                max_height=420,
                column_widths=["40%", "16%", "13%", "9%", "22%"],
                elem_id="articles",
            )
            with gr.Row():
                w["ids"] = gr.Textbox(
                    label="Article id(s)", placeholder="click a row, or paste ids", scale=4
                )
                w["show"] = gr.Button("Show", scale=0, min_width=90, elem_id="show")
                w["delete"] = gr.Button(
                    "Delete",
                    variant="stop",
                    scale=0,
                    min_width=90,
                    elem_id="delete",
                    visible=not read_only,
                )
            w["article"] = gr.Textbox(
                label="Article (plain text)",
                lines=12,
                max_lines=30,
                interactive=False,
                elem_id="article-text",
            )
    return w


def _succeeded(report: dict[str, Any]) -> bool:
    """Everything given was indexed (so the form can be cleared for the next article)."""
    return not report["failed"] and bool(report["added"] + report["updated"] + report["unchanged"])


def _wire_library(
    service: QAService,
    scrub: Scrubber,
    w: dict[str, Any],
    refresh: Callable[[str], tuple],
    targets: list[Any],
) -> None:
    """Connect the library widgets to their event functions; `refresh` updates `targets`."""

    def select(event: gr.SelectData) -> str:
        row = event.row_value or []
        return str(row[-1]) if row else ""

    w["search"].change(lambda s: library.table_rows(service, s), w["search"], w["table"], **PRIVATE)
    w["table"].select(select, None, w["ids"], **PRIVATE)
    show = (lambda ids: library.show_text(service, ids), w["ids"], w["article"])
    w["show"].click(*show, **PRIVATE)
    w["ids"].submit(*show, **PRIVATE)
    if service.settings.read_only:
        return  # no write events at all: a crafted request finds nothing to call

    def after(message: str, search: str) -> tuple[Any, ...]:
        return (message, *refresh(search))

    def add_files(paths: Any, search: str, progress: Any = gr.Progress()) -> tuple[Any, ...]:
        report, message = library.add_files(service, scrub, paths or [], progress)
        return (None if _succeeded(report) else gr.skip(), *after(message, search))

    def add_text(text: str, title: str, url: str, outlet: str, date: str, search: str) -> Any:
        report, message = library.add_text(service, scrub, text, title, url, outlet, date)
        cleared = ("",) * 5 if _succeeded(report) else (gr.skip(),) * 5
        return (*cleared, *after(message, search))

    def add_urls(urls: str, search: str, progress: Any = gr.Progress()) -> tuple[Any, ...]:
        report, message = library.add_urls(service, scrub, urls, progress)
        return ("" if _succeeded(report) else gr.skip(), *after(message, search))

    def delete(ids: str, search: str) -> tuple[Any, ...]:
        return ("", *after(library.delete(service, scrub, ids), search))

    paste = [w[k] for k in ("text", "title", "url", "outlet", "date")]
    status = [w["status"], *targets]
    scroll = {"fn": None, "js": SCROLL_TO_STATUS, **PRIVATE}
    w["add_files"].click(
        add_files, [w["files"], w["search"]], [w["files"], *status], **WRITING
    ).then(**scroll)
    w["add_text"].click(add_text, [*paste, w["search"]], [*paste, *status], **WRITING).then(
        **scroll
    )
    w["add_urls"].click(add_urls, [w["urls"], w["search"]], [w["urls"], *status], **WRITING).then(
        **scroll
    )
    w["delete"].click(delete, [w["ids"], w["search"]], [w["article"], *status], **WRITING)


def launch(
    service: QAService,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    *,
    force: bool = False,
    block: bool = True,
    sock: Any = None,
    allow_hosts: Iterable[str] = (),
    ready: Callable[[str], None] | None = None,
) -> RunningServer:
    """Serve the app offline (no share link, analytics or web fonts) behind the Host/Origin guard
    and the login throttle; refuses an open LAN bind. `sock`: an already bound socket."""
    from fastapi import FastAPI
    from starlette.middleware.cors import CORSMiddleware

    from ui.guard import HostGuard, LoginThrottle, allowed_hosts, allowed_origins
    from ui.server import bind, serve, setup_logging, url_of

    check_exposure(host, auth, force)
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY"):
        os.environ.setdefault(key, "1")
    setup_logging()
    sock = sock or bind(host, port)
    port = sock.getsockname()[1]
    extra = [h.strip() for h in (service.settings.allow_hosts or "").split(",") if h.strip()]
    hosts = allowed_hosts(host, port, [*extra, *allow_hosts])
    scrub = Scrubber.from_settings(service.settings, auth)
    blocks = create_app(service, scrub)
    blocks.queue(default_concurrency_limit=ASK_CONCURRENCY)
    api = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    # Gradio leaves CORS to a parent app that configures it: exact origins, no localhost:*.
    api.add_middleware(
        CORSMiddleware,
        allow_origins=allowed_origins(hosts),
        allow_credentials=True,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"],
        allow_headers=["*"],
    )
    api.add_middleware(LoginThrottle)
    api.add_middleware(HostGuard, hosts=hosts)  # added last, so it runs first
    gr.mount_gradio_app(
        api,
        blocks,
        path="/",
        server_name=host,
        server_port=port,
        auth=auth,
        max_file_size=service.settings.max_file_bytes,
        footer_links=["api", "settings"],
        theme=theme(),
        css=CSS,
        js=JS,
    )
    add_quotes_route(api, service, scrub)
    running = serve(api, blocks, sock, url_of(host, port), ready)
    if block:
        running.wait()
    return running

"""The Gradio app: `create_app` builds the page and its API, `launch` serves it offline."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import gradio as gr

from qa.backends.registry import BACKENDS
from qa.service import QAService
from ui import chat, library
from ui.api import add_api
from ui.format import sources_panel
from ui.security import check_exposure
from ui.style import CSS, JS, theme

EXAMPLES = [
    "What did Putin say about trade?",
    "What did Putin and Xi call each other?",
    "What did Putin say about energy cooperation?",
]
PRIVATE: dict[str, Any] = {"api_visibility": "private"}


def header_html(service: QAService) -> str:
    """The title line with the current article count."""
    count = len(service.list_articles())
    noun = "article" if count == 1 else "articles"
    return (
        "<h1>Article QA</h1><p>Ask about the indexed news articles: every answer sentence cites "
        f"the exact quoted passage. <b>{count}</b> {noun} indexed.</p>"
    )


def create_app(service: QAService) -> gr.Blocks:
    """Build the chat and library tabs plus the /ask, /add and /articles API (nothing runs)."""
    settings = service.settings
    with gr.Blocks(title="Article QA", analytics_enabled=False, fill_width=True) as app:
        header = gr.HTML(elem_id="app-header")
        state = gr.State(chat.new_state())
        with gr.Tab("Ask"):
            with gr.Row(equal_height=False):
                with gr.Column(scale=3):
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
                    with gr.Row():
                        box = gr.Textbox(
                            show_label=False,
                            placeholder="Ask a question… (follow-ups keep the conversation)",
                            scale=8,
                            autofocus=True,
                            elem_id="question",
                        )
                        send = gr.Button(
                            "Ask", variant="primary", scale=0, min_width=110, elem_id="ask"
                        )
                    with gr.Row(elem_id="examples"):
                        gr.HTML('<span class="try">Try:</span>')
                        example_buttons = [gr.Button(q, size="sm") for q in EXAMPLES]
                    with gr.Accordion("Settings", open=False):
                        with gr.Row():
                            backend = gr.Dropdown(
                                list(BACKENDS), value=settings.backend, label="Answer backend"
                            )
                            model = gr.Textbox(settings.llm_model or "", label="Model")
                            base_url = gr.Textbox(settings.llm_base_url or "", label="Base URL")
                        with gr.Row():
                            k = gr.Slider(
                                1, max(20, settings.top_k), value=settings.top_k, step=1, label="k"
                            )
                            outlets = gr.Dropdown([], multiselect=True, label="Only outlets")
                            since = gr.Textbox(label="Since", placeholder="YYYY-MM-DD")
                            until = gr.Textbox(label="Until", placeholder="YYYY-MM-DD")
                with gr.Column(scale=2):
                    gr.Markdown("### Sources")
                    sources = gr.HTML(sources_panel([]), elem_id="sources")
        with gr.Tab("Library"):
            lib = _library_tab()

        def respond(question: str, history: Any, memory: Any, *options: Any) -> Any:
            yield from chat.respond(service, question, history, memory, *options)

        ask_inputs = [box, bot, state, backend, model, base_url, k, outlets, since, until]
        ask_outputs = [box, bot, sources, state]
        for trigger in (box.submit, send.click):
            trigger(respond, ask_inputs, ask_outputs, **PRIVATE)
        for button, question in zip(example_buttons, EXAMPLES, strict=True):
            button.click(lambda q=question: q, None, box, **PRIVATE).then(
                respond, ask_inputs, ask_outputs, **PRIVATE
            )
        # The chat's own trash button must also forget the turns behind follow-ups.
        bot.clear(lambda: (sources_panel([]), chat.new_state()), None, [sources, state], **PRIVATE)

        def refresh(search: str = "") -> tuple[str, Any, Any]:
            rows = library.table_rows(service, search)
            return header_html(service), rows, gr.Dropdown(choices=service.outlets())

        refreshed = [header, lib["table"], outlets]
        _wire_library(service, lib, refresh, refreshed)
        app.load(refresh, [lib["search"]], refreshed, **PRIVATE)
        add_api(service)
    return app


def _library_tab() -> dict[str, Any]:
    """The library widgets, by name."""
    w: dict[str, Any] = {}
    with gr.Row(equal_height=False):
        with gr.Column(scale=1):
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
                w["title"] = gr.Textbox(label="Title")
                w["text"] = gr.Textbox(label="Text", lines=8)
                with gr.Row():
                    w["url"] = gr.Textbox(label="URL")
                    w["outlet"] = gr.Textbox(label="Outlet")
                    w["date"] = gr.Textbox(label="Date", placeholder="YYYY-MM-DD")
                w["add_text"] = gr.Button("Add article", variant="primary")
            with gr.Tab("URL / feed"):
                w["urls"] = gr.Textbox(
                    label="Web page or RSS/Atom feed URLs, one per line", lines=3
                )
                w["add_urls"] = gr.Button("Fetch and add", variant="primary")
            w["status"] = gr.Textbox(
                label="Result", lines=4, interactive=False, elem_id="ingest-status"
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
                    "Delete", variant="stop", scale=0, min_width=90, elem_id="delete"
                )
            w["article"] = gr.Textbox(
                label="Article (plain text)",
                lines=12,
                max_lines=30,
                interactive=False,
                elem_id="article-text",
            )
    return w


def _wire_library(
    service: QAService, w: dict[str, Any], refresh: Callable[[str], tuple], targets: list[Any]
) -> None:
    """Connect the library widgets to their event functions; `refresh` updates `targets`."""

    def after(message: str, search: str) -> tuple[Any, ...]:
        return (message, *refresh(search))

    def add_files(paths: Any, search: str, progress: Any = gr.Progress()) -> tuple[Any, ...]:
        _, message = library.add_files(service, paths or [], progress)
        return (None, *after(message, search))

    def add_text(text: str, title: str, url: str, outlet: str, date: str, search: str) -> Any:
        return after(library.add_text(service, text, title, url, outlet, date)[1], search)

    def add_urls(urls: str, search: str, progress: Any = gr.Progress()) -> tuple[Any, ...]:
        return after(library.add_urls(service, urls, progress)[1], search)

    def select(event: gr.SelectData) -> str:
        row = event.row_value or []
        return str(row[-1]) if row else ""

    def delete(ids: str, search: str) -> tuple[Any, ...]:
        return ("", *after(library.delete(service, ids), search))

    paste = [w[k] for k in ("text", "title", "url", "outlet", "date")]
    status = [w["status"], *targets]
    w["add_files"].click(add_files, [w["files"], w["search"]], [w["files"], *status], **PRIVATE)
    w["add_text"].click(add_text, [*paste, w["search"]], status, **PRIVATE)
    w["add_urls"].click(add_urls, [w["urls"], w["search"]], status, **PRIVATE)
    w["search"].change(lambda s: library.table_rows(service, s), w["search"], w["table"], **PRIVATE)
    w["table"].select(select, None, w["ids"], **PRIVATE)
    show = (lambda ids: library.show_text(service, ids), w["ids"], w["article"])
    w["show"].click(*show, **PRIVATE)
    w["ids"].submit(*show, **PRIVATE)
    w["delete"].click(delete, [w["ids"], w["search"]], [w["article"], *status], **PRIVATE)


def launch(
    service: QAService,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    *,
    force: bool = False,
    block: bool = True,
) -> gr.Blocks:
    """Serve the app offline (no share link, analytics or web fonts); refuses an open LAN bind."""
    check_exposure(host, auth, force)
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY"):
        os.environ.setdefault(key, "1")
    app = create_app(service)
    app.queue()
    app.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        share=False,
        inbrowser=False,
        prevent_thread_lock=not block,
        max_file_size=service.settings.max_file_bytes,
        footer_links=["api", "settings"],
        theme=theme(),
        css=CSS,
        js=JS,
        quiet=not block,
    )
    return app

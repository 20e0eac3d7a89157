"""The named API for gradio_client: /ask, /add and /articles."""

from __future__ import annotations

import gradio as gr

from qa.service import QAService
from ui import chat, library
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

    gr.api(ask, api_name="ask", concurrency_limit=ASK_CONCURRENCY)
    gr.api(articles, api_name="articles", concurrency_limit=ASK_CONCURRENCY)
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

"""The Quotes tab's widgets and events: a person (picked or typed), a topic, dates, a page of
their quotes (ui/quotes.py builds the HTML)."""

from __future__ import annotations

from typing import Any

import gradio as gr

from qa.service import QAService
from ui import quotes
from ui.security import Scrubber


def build() -> dict[str, Any]:
    """The Quotes widgets, by name: a person (picked or typed), a topic, dates, the list."""
    w: dict[str, Any] = {}
    with gr.Row(equal_height=True):
        w["speaker"] = gr.Dropdown(
            [],
            value=None,
            label="Person (pick, or type any part of a name)",
            allow_custom_value=True,
            filterable=True,
            scale=3,
            elem_id="quotes-speaker",
        )
        w["about"] = gr.Textbox(
            label="About (optional)", placeholder="e.g. trade", scale=3, elem_id="quotes-about"
        )
        w["since"] = gr.Textbox(label="Since", placeholder="YYYY-MM-DD", scale=1, min_width=110)
        w["until"] = gr.Textbox(label="Until", placeholder="YYYY-MM-DD", scale=1, min_width=110)
        w["show"] = gr.Button(
            "Show quotes", variant="primary", scale=0, min_width=120, elem_id="quotes-show"
        )
    w["list"] = gr.HTML(quotes.PICK, elem_id="quotes-list")
    with gr.Row():
        w["newer"] = gr.Button("◀ Newer", size="sm", visible=False, elem_id="quotes-newer")
        w["older"] = gr.Button("Older ▶", size="sm", visible=False, elem_id="quotes-older")
    w["page"] = gr.State(0)
    return w


def wire(service: QAService, scrub: Scrubber, w: dict[str, Any], events: dict[str, Any]) -> None:
    """Show the quotes when a person is picked, a topic submitted or the button pressed; page
    through them with Older / Newer."""

    def page_of(speaker: str | None, about: str, since: str, until: str, page: int) -> Any:
        html, older = quotes.listing_html(service, scrub, speaker, about, since, until, page)
        newer = gr.Button(visible=page > 0)
        return html, page, newer, gr.Button(visible=older)

    def show(speaker: str | None, about: str, since: str, until: str) -> Any:
        return page_of(speaker, about, since, until, 0)

    def turn(step: int) -> Any:
        def go(speaker: str | None, about: str, since: str, until: str, page: Any) -> Any:
            return page_of(speaker, about, since, until, max(int(page or 0) + step, 0))

        return go

    inputs = [w["speaker"], w["about"], w["since"], w["until"]]
    outputs = [w["list"], w["page"], w["newer"], w["older"]]
    for trigger in (w["show"].click, w["speaker"].input, w["about"].submit):
        trigger(show, inputs, outputs, **events)
    w["older"].click(turn(1), [*inputs, w["page"]], outputs, **events)
    w["newer"].click(turn(-1), [*inputs, w["page"]], outputs, **events)

"""Event functions of the chat tab and the /ask API: they call QAService and format its output."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from qa.models import Answer
from qa.service import QAService, RequestRefusedError
from ui.answer_html import chat_answer_html, stream_html
from ui.format import error_html, question_html, sources_panel
from ui.security import Scrubber, visitor_message

Messages = list[dict[str, Any]]
ChatUpdate = tuple[str, Messages, str, dict[str, Any]]
TYPING = '<span class="typing">▍</span>'


def new_state() -> dict[str, Any]:
    """Per-browser-session memory: plain-text turns for follow-ups, each (question, Answer), and
    which cited articles were pasted."""
    return {"history": [], "turns": [], "pasted": []}


def ask_options(
    backend: str | None,
    k: float | None,
    outlets: list[str] | None,
    since: str | None,
    until: str | None,
) -> dict[str, Any]:
    """Keyword arguments for `QAService.ask_stream` from the settings widgets ('' means default).

    There is deliberately no model or URL here: the operator's settings choose those."""
    try:
        top_k = int(k) if k else None
    except (TypeError, ValueError, OverflowError) as exc:
        raise RequestRefusedError(f"k must be a whole number, not {str(k)[:20]!r}") from exc
    return {
        "backend": (backend or "").strip() or None,
        "k": top_k,
        "outlets": list(outlets or ()),
        "since": (since or "").strip() or None,
        "until": (until or "").strip() or None,
    }


def respond(
    service: QAService,
    scrub: Scrubber,
    question: str,
    chat: Messages | None,
    state: dict[str, Any] | None,
    *settings: Any,
) -> Iterator[ChatUpdate]:
    """Stream one answer into the chat, then show its sources and remember the turn."""
    state = {**new_state(), **(state or {})}
    chat = list(chat or [])
    question = (question or "").strip()
    pasted = state["pasted"]
    panel = sources_panel(state["turns"], pasted)
    if not question:
        yield "", chat, panel, state
        return
    turn = len(state["turns"])
    chat += [
        {"role": "user", "content": question_html(question)},
        {"role": "assistant", "content": TYPING},
    ]
    yield "", chat, panel, state
    pieces: list[str] = []
    final = None
    try:
        stream = service.ask_stream(question, state["history"], **ask_options(*settings))
        for item in stream:
            if isinstance(item, Answer):
                final = item
            else:
                pieces.append(item)
                chat[-1] = {"role": "assistant", "content": stream_html(pieces, turn) + TYPING}
                yield "", chat, panel, state
        assert final is not None, "the answer stream ended without an answer"
        cited = {p.article_id for p in final.passages}
        pasted = sorted({*pasted, *service.pasted_ids(cited)})
    except Exception as exc:  # an unreachable LLM server, a bad date, a bug: say so in the chat
        message = visitor_message(exc, scrub, "answering a chat question")
        chat[-1] = {"role": "assistant", "content": error_html(message)}
        yield "", chat, panel, state
        return
    chat[-1] = {"role": "assistant", "content": chat_answer_html(final, turn)}
    state = {
        "history": [
            *state["history"],
            {"role": "user", "content": question},
            {"role": "assistant", "content": final.answer},
        ],
        "turns": [*state["turns"], (question, final)],
        "pasted": pasted,
    }
    yield "", chat, sources_panel(state["turns"], pasted), state


def parse_history(history: str | list | None) -> list[dict[str, str]]:
    """Conversation turns from JSON text or a list: [{"role": ..., "content": ...}, ...]."""
    if history in (None, ""):
        return []
    bad = 'history must be a JSON list of {"role": ..., "content": ...} objects'
    try:
        turns = json.loads(history) if isinstance(history, str) else history
    except ValueError as exc:
        raise RequestRefusedError(bad) from exc
    if not isinstance(turns, list) or not all(
        isinstance(t, dict) and isinstance(t.get("role"), str) and isinstance(t.get("content"), str)
        for t in turns
    ):
        raise RequestRefusedError(bad)
    return [{"role": t["role"], "content": t["content"]} for t in turns]


def api_ask(
    service: QAService,
    question: str,
    history: str = "",
    backend: str = "",
    k: int = 0,
) -> dict[str, Any]:
    """The `qa ask --json` object for a question (history: JSON list of role/content turns)."""
    options = ask_options(backend, k, None, None, None)
    return service.ask(question, parse_history(history), **options).to_json()

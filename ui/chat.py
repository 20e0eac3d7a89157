"""Event functions of the chat tab and the /ask API: they call QAService and format its output."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from qa.models import Answer
from qa.service import QAService
from ui.format import chat_answer_html, esc, link_markers, sources_panel

Messages = list[dict[str, Any]]
ChatUpdate = tuple[str, Messages, str, dict[str, Any]]
TYPING = '<span class="typing">▍</span>'


def new_state() -> dict[str, Any]:
    """Per-browser-session memory: plain-text turns for follow-ups, and each (question, Answer)."""
    return {"history": [], "turns": []}


def ask_options(
    backend: str | None,
    model: str | None,
    base_url: str | None,
    k: float | None,
    outlets: list[str] | None,
    since: str | None,
    until: str | None,
) -> dict[str, Any]:
    """Keyword arguments for `QAService.ask_stream` from the settings widgets ('' means default)."""
    return {
        "backend": backend or None,
        "model": (model or "").strip() or None,
        "base_url": (base_url or "").strip() or None,
        "k": int(k) if k else None,
        "outlets": list(outlets or ()),
        "since": (since or "").strip() or None,
        "until": (until or "").strip() or None,
    }


def error_html(exc: Exception) -> str:
    """A failed answer as a chat message (escaped: messages can quote user input)."""
    kind = "" if isinstance(exc, ValueError) else f"{type(exc).__name__}: "
    return f'<div class="warn-line">⚠ {esc(kind)}{esc(exc)}</div>'


def respond(
    service: QAService,
    question: str,
    chat: Messages | None,
    state: dict[str, Any] | None,
    *settings: Any,
) -> Iterator[ChatUpdate]:
    """Stream one answer into the chat, then show its sources and remember the turn."""
    state = state or new_state()
    chat = list(chat or [])
    question = (question or "").strip()
    panel = sources_panel(state["turns"])
    if not question:
        yield "", chat, panel, state
        return
    turn = len(state["turns"])
    chat += [
        {"role": "user", "content": esc(question)},
        {"role": "assistant", "content": TYPING},
    ]
    yield "", chat, panel, state
    text, final = "", None
    try:
        stream = service.ask_stream(question, state["history"], **ask_options(*settings))
        for item in stream:
            if isinstance(item, Answer):
                final = item
            else:
                text += item
                chat[-1] = {"role": "assistant", "content": link_markers(text, (), turn) + TYPING}
                yield "", chat, panel, state
    except Exception as exc:  # a bad date, an unreachable LLM server: say so in the chat
        chat[-1] = {"role": "assistant", "content": error_html(exc)}
        yield "", chat, panel, state
        return
    assert final is not None
    chat[-1] = {"role": "assistant", "content": chat_answer_html(final, turn)}
    state = {
        "history": [
            *state["history"],
            {"role": "user", "content": question},
            {"role": "assistant", "content": final.answer},
        ],
        "turns": [*state["turns"], (question, final)],
    }
    yield "", chat, sources_panel(state["turns"]), state


def parse_history(history: str | list | None) -> list[dict[str, str]]:
    """Conversation turns from JSON text or a list: [{"role": ..., "content": ...}, ...]."""
    if history in (None, ""):
        return []
    turns = json.loads(history) if isinstance(history, str) else history
    if not isinstance(turns, list) or not all(
        isinstance(t, dict) and isinstance(t.get("role"), str) and isinstance(t.get("content"), str)
        for t in turns
    ):
        raise ValueError('history must be a JSON list of {"role": ..., "content": ...} objects')
    return [{"role": t["role"], "content": t["content"]} for t in turns]


def api_ask(
    service: QAService,
    question: str,
    history: str = "",
    backend: str = "",
    k: int = 0,
) -> dict[str, Any]:
    """The `qa ask --json` object for a question (history: JSON list of role/content turns)."""
    options = ask_options(backend, None, None, k, None, None, None)
    return service.ask(question, parse_history(history), **options).to_json()

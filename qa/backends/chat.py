"""What every LLM backend shares: the prompt, streaming, and follow-up rewriting."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from qa.models import Passage
from qa.prompting import REFUSAL, render

Message = dict[str, str]


@dataclass(frozen=True)
class LLMOptions:
    """How to reach and drive a language model."""

    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    temperature: float = 0.0
    max_tokens: int = 400
    max_sentences: int = 4


def fence(text: str) -> str:
    """Keep untrusted text from closing the passages section of the prompt."""
    return text.replace("<passages>", "‹passages›").replace("</passages>", "‹/passages›")


def answer_messages(question: str, passages: list[Passage], options: LLMOptions) -> list[Message]:
    """System rules, then the numbered passages as data and the question."""
    fenced = [
        {
            "n": p.n,
            "title": fence(p.title),
            "outlet": p.outlet,
            "published_at": p.published_at,
            "text": fence(p.text),
        }
        for p in passages
    ]
    return [
        {
            "role": "system",
            "content": render("system", max_sentences=options.max_sentences, refusal=REFUSAL),
        },
        {"role": "user", "content": render("answer", passages=fenced, question=fence(question))},
    ]


def rewrite_messages(question: str, history: list[Message]) -> list[Message]:
    """The prompt that turns a follow-up into a standalone question."""
    turns = [{"role": t["role"], "content": str(t["content"])[:600]} for t in history[-6:]]
    return [{"role": "user", "content": render("rewrite", history=turns, question=question)}]


def install_hint(package: str, extra: str) -> RuntimeError:
    """The error for a backend whose optional SDK is missing."""
    return RuntimeError(f"this backend needs {package}: pip install 'article-qa[{extra}]'")


class ChatBackend:
    """An LLM answerer; subclasses implement `stream_chat`."""

    name = "chat"
    streams = True

    def __init__(self, options: LLMOptions) -> None:
        self.options = options

    def stream_chat(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        """Yield the model's reply token by token."""
        raise NotImplementedError

    def generate(
        self, question: str, passages: list[Passage], history: list[Message] | None = None
    ) -> Iterator[str]:
        """Stream an answer that cites the passages."""
        messages = answer_messages(question, passages, self.options)
        yield from self.stream_chat(messages, self.options.max_tokens)

    def rewrite_followup(self, question: str, history: list[Message]) -> str:
        """Ask the model for a standalone question; keep the original if it returns nothing."""
        if not any(t.get("role") == "user" for t in history):
            return question
        reply = "".join(self.stream_chat(rewrite_messages(question, history), 60)).strip()
        line = reply.splitlines()[0].strip().strip('"') if reply else ""
        return line if 3 <= len(line) <= 300 else question


def langchain_messages(messages: list[Message]) -> list[Any]:
    """Our role/content dicts as LangChain message objects."""
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
    return [kinds[m["role"]](content=m["content"]) for m in messages]


def chunk_text(chunk: Any) -> str:
    """The text of a LangChain message chunk (content may be a string or parts)."""
    content = chunk.content
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content if isinstance(part, dict))

"""What every LLM backend shares: the prompt, streaming, and follow-up rewriting."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from qa.errors import BackendUnavailableError, QAError
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


class MissingPackageError(QAError, RuntimeError):
    """A backend's optional SDK is not installed."""


def install_hint(package: str, extra: str) -> MissingPackageError:
    """The error for a backend whose optional SDK is missing."""
    return MissingPackageError(f"this backend needs {package}: pip install 'article-qa[{extra}]'")


class BackendRequestError(BackendUnavailableError):
    """The LLM server answered, but with an HTTP error; its body is never passed on."""

    def __init__(self, backend: str, url: str | None, status: int, reason: str) -> None:
        super().__init__(backend, url, reason)
        self.status = status
        where = f" at {self.url}" if self.url else ""
        self.args = (f"the {backend} backend's server{where} answered HTTP {status}: {reason}",)

    def public_message(self) -> str:
        """No URL and no upstream text for visitors."""
        return (
            f"The {self.backend} backend's configured server refused the request. Pick another "
            "backend in Settings, or ask the operator to check its settings."
        )


# What an HTTP status from an LLM server means for the operator (the body may echo the key).
_STATUS_REASONS = {
    400: "the server rejected the request (check QA_LLM_MODEL and the server's context size)",
    401: "the server refused the API key (check QA_LLM_API_KEY)",
    403: "the server refused the API key (check QA_LLM_API_KEY)",
    404: "no such model or endpoint (check QA_LLM_MODEL and QA_LLM_BASE_URL)",
    408: "the server timed out (try again)",
    413: "the request is too large for the server (lower QA_TOP_K)",
    429: "rate limited or out of quota (try again later, or check the account)",
}


def status_reason(status: int) -> str:
    """A one-line reason for an HTTP error status from an LLM server."""
    if status in _STATUS_REASONS:
        return _STATUS_REASONS[status]
    if status >= 500:
        return "the server failed (see its log)"
    return "the server refused the request"


def connection_reason(exc: BaseException) -> str:
    """Why a connection failed, from the OS error inside `exc` (never the server's text)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, TimeoutError) or "Timeout" in type(current).__name__:
            return "timed out"
        if isinstance(current, OSError) and current.strerror:
            return current.strerror.lower()
        current = current.__cause__ or current.__context__
    return "could not connect"


class ChatBackend:
    """An LLM answerer; subclasses implement `stream_chat` and name their server's errors."""

    name = "chat"
    streams = True
    default_base_url: str | None = None
    start_hint = "start the server or set QA_LLM_BASE_URL"

    def __init__(self, options: LLMOptions) -> None:
        self.options = options

    @property
    def base_url(self) -> str | None:
        """The server this backend talks to (printed redacted in errors)."""
        return self.options.base_url or self.default_base_url

    def stream_chat(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        """Yield the model's reply token by token."""
        raise NotImplementedError

    def server_error(self, exc: Exception) -> BackendUnavailableError | None:
        """The one-line error for a failure talking to the server, or None if it is not one."""
        return None

    def unreachable(self, exc: BaseException) -> BackendUnavailableError:
        """The server could not be reached (refused, timed out, name not resolved)."""
        return BackendUnavailableError(
            self.name, self.base_url, connection_reason(exc), self.start_hint
        )

    def refused(self, status: int) -> BackendRequestError:
        """The server answered with an HTTP error status."""
        return BackendRequestError(self.name, self.base_url, status, status_reason(status))

    def _stream(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        """`stream_chat`, with the server's failures turned into one-line errors (no body)."""
        try:
            yield from self.stream_chat(messages, max_tokens)
        except QAError:
            raise
        except Exception as exc:
            error = self.server_error(exc)
            if error is None:
                raise
            raise error from None

    def generate(
        self, question: str, passages: list[Passage], history: list[Message] | None = None
    ) -> Iterator[str]:
        """Stream an answer that cites the passages."""
        messages = answer_messages(question, passages, self.options)
        yield from self._stream(messages, self.options.max_tokens)

    def rewrite_followup(self, question: str, history: list[Message]) -> str:
        """Ask the model for a standalone question; keep the original if it returns nothing."""
        if not any(t.get("role") == "user" for t in history):
            return question
        reply = "".join(self._stream(rewrite_messages(question, history), 60)).strip()
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

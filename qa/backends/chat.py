"""What every LLM backend shares: the prompt, streaming, and follow-up rewriting."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from qa.errors import BackendUnavailableError, QAError
from qa.injection import injection_note, is_suspicious
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


# Untrusted text may not hold a tag of any kind: every angle bracket and look-alike becomes a
# parenthesis (guillemets become quotes), so no field can close or imitate the prompt's tags, in
# any case, spacing or spelling; nor a chat-template token (<|im_start|>, [INST]) or our [n].
_ANGLES = str.maketrans(
    {
        **dict.fromkeys("<\u2039\u2329\u3008\u27e8\u276e\u276c\u2770\u1438\u02c2\ufe64\uff1c", "("),
        **dict.fromkeys("\u227a\u226e\u22d6\u2991\u29fc", "("),
        **dict.fromkeys(">\u203a\u232a\u3009\u27e9\u276f\u276d\u2771\u1433\u02c3\ufe65\uff1e", ")"),
        **dict.fromkeys("\u227b\u226f\u22d7\u2992\u29fd", ")"),
        **dict.fromkeys("\u00ab\u00bb\u300a\u300b\u27ea\u27eb", '"'),
    }
)
_ENTITY = re.compile(r"&(?:lt|gt|#0*6[02]|#x0*3[ce]);?|\\u003[ce]|\\x3[ce]", re.I)
_BRACKETED = re.compile(
    r"[\[\uff3b\ufe47]\s*(\d{1,4}(?:\s*[,\uff0c]\s*\d{1,4})*|/?\s*[A-Z][A-Z0-9_]{2,})\s*"
    r"[\]\uff3d\ufe48]"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n?|[\v\f\x85\u2028\u2029]")


def fence(text: str | None, *, one_line: bool = False) -> str:
    """Untrusted text made safe to place inside the prompt's tags: it can hold no tag at all."""
    text = _CONTROLS.sub("", _LINE_BREAKS.sub("\n", text or ""))
    text = _ENTITY.sub(lambda m: "(" if re.search("lt|60|3c", m.group(), re.I) else ")", text)
    text = _BRACKETED.sub(r"(\1)", text.translate(_ANGLES))
    return " ".join(text.split()) if one_line else text


def answer_messages(question: str, passages: list[Passage], options: LLMOptions) -> list[Message]:
    """System rules, then the numbered passages as data (fenced) and the question."""
    fenced = [
        {
            "n": p.n,
            "title": fence(p.title, one_line=True),
            "outlet": fence(p.outlet, one_line=True),
            "published_at": fence(p.published_at, one_line=True),
            "text": fence(p.text).strip(),
            "suspicious": is_suspicious(p),
        }
        for p in passages
    ]
    return [
        {
            "role": "system",
            "content": render("system", max_sentences=options.max_sentences, refusal=REFUSAL),
        },
        {
            "role": "user",
            "content": render("answer", passages=fenced, question=fence(question, one_line=True)),
        },
    ]


def rewrite_messages(question: str, history: list[Message]) -> list[Message]:
    """The prompt that turns a follow-up into a standalone question (the turns fenced as data)."""
    turns = [
        {"role": t["role"], "content": fence(str(t.get("content", ""))[:600]).strip()}
        for t in history[-6:]
        if t.get("role") in ("user", "assistant")
    ]
    question = fence(question, one_line=True)
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
        answered = False
        for token in self._stream(messages, self.options.max_tokens):
            answered = answered or bool(token.strip())
            yield token
        note = injection_note(passages) if answered else ""
        if note:
            yield f"\n{note}"  # the model saw the instructions fenced and flagged

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

"""A local Ollama server through langchain-ollama's `ChatOllama`."""

from __future__ import annotations

from collections.abc import Iterator

from qa.backends.chat import (
    BackendRequestError,
    ChatBackend,
    Message,
    chunk_text,
    install_hint,
    langchain_messages,
)
from qa.errors import BackendUnavailableError

_NO_KEY = (
    "the server asks for credentials, which the ollama backend does not send (use the openai "
    "backend with Ollama's /v1 and QA_LLM_API_KEY)"
)


class OllamaBackend(ChatBackend):
    """Streams from `ChatOllama` at `QA_LLM_BASE_URL` (default http://127.0.0.1:11434)."""

    name = "ollama"
    default_base_url = "http://127.0.0.1:11434"
    start_hint = "start it with `ollama serve` or set QA_LLM_BASE_URL"

    def stream_chat(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        """Yield tokens as Ollama sends them."""
        try:
            from langchain_ollama import ChatOllama
        except ImportError as exc:
            raise install_hint("langchain-ollama", "ollama") from exc
        client = ChatOllama(
            model=self.options.model or "llama3.2",
            base_url=self.base_url,
            temperature=self.options.temperature,
            num_predict=max_tokens,
        )
        for chunk in client.stream(langchain_messages(messages)):
            text = chunk_text(chunk)
            if text:
                yield text

    def server_error(self, exc: Exception) -> BackendUnavailableError | None:
        """Ollama's HTTP errors by status; httpx and socket failures as unreachable."""
        import httpx
        import ollama

        if isinstance(exc, ollama.ResponseError) and exc.status_code > 0:
            if exc.status_code == 404:
                model = self.options.model or "llama3.2"
                return self._missing_model(model)
            if exc.status_code in (401, 403):
                return BackendRequestError(self.name, self.base_url, exc.status_code, _NO_KEY)
            return self.refused(exc.status_code)
        if isinstance(exc, (httpx.TransportError, ConnectionError, TimeoutError)):
            return self.unreachable(exc)
        return None

    def _missing_model(self, model: str) -> BackendUnavailableError:
        reason = f"no model {model!r} (run `ollama pull {model}` or set QA_LLM_MODEL)"
        return BackendRequestError(self.name, self.base_url, 404, reason)

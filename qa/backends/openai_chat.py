"""Any OpenAI-compatible server (OpenAI, vLLM, llama.cpp server, LM Studio, Ollama /v1)."""

from __future__ import annotations

from collections.abc import Iterator

from qa.backends.chat import ChatBackend, Message, chunk_text, install_hint, langchain_messages
from qa.errors import BackendUnavailableError


class OpenAIBackend(ChatBackend):
    """Streams from `ChatOpenAI` at `QA_LLM_BASE_URL` with `QA_LLM_MODEL`."""

    name = "openai"
    default_base_url = "https://api.openai.com/v1"
    start_hint = "start the server or set QA_LLM_BASE_URL"

    def _client(self, max_tokens: int):  # noqa: ANN202
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise install_hint("langchain-openai", "openai") from exc
        return ChatOpenAI(
            model=self.options.model or "gpt-4o-mini",
            base_url=self.options.base_url,
            api_key=self.options.api_key or "not-needed",
            temperature=self.options.temperature,
            max_tokens=max_tokens,
            streaming=True,
            timeout=120,
            max_retries=1,
        )

    def stream_chat(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        """Yield tokens as the server sends them."""
        for chunk in self._client(max_tokens).stream(langchain_messages(messages)):
            text = chunk_text(chunk)
            if text:
                yield text

    def server_error(self, exc: Exception) -> BackendUnavailableError | None:
        """HTTP errors by status (the body may echo the key), connection failures by cause."""
        import openai

        if isinstance(exc, openai.APIStatusError):
            return self.refused(exc.status_code)
        if isinstance(exc, (openai.APIConnectionError, ConnectionError, TimeoutError)):
            return self.unreachable(exc)
        return None

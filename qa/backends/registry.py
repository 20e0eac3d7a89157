"""Answer backends by name, imported only when chosen."""

from __future__ import annotations

import importlib
from typing import Any

from qa.backends.chat import LLMOptions

BACKENDS = {
    "extractive": "qa.backends.extractive:ExtractiveBackend",
    "openai": "qa.backends.openai_chat:OpenAIBackend",
    "ollama": "qa.backends.ollama_chat:OllamaBackend",
    "llamacpp": "qa.backends.llamacpp_local:LlamaCppBackend",
}


def create_backend(name: str, options: LLMOptions | None = None) -> Any:
    """An answer backend: `extractive` (offline default), `openai`, `ollama` or `llamacpp`."""
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; choose one of: {', '.join(BACKENDS)}")
    module_name, class_name = BACKENDS[name].split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls() if name == "extractive" else cls(options or LLMOptions())

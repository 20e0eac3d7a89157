"""LLM backends against real servers: llama.cpp's OpenAI-compatible server, llama.cpp in process,
and ChatOllama against recorded (hand-written) Ollama replies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from qa.answer import answer_stream
from qa.backends.chat import LLMOptions
from qa.backends.llamacpp_local import bundled_gguf
from qa.backends.registry import create_backend
from qa.citations import VERIFY_THRESHOLD, support_score
from qa.models import Answer
from qa.retrieve import Retriever
from tests.test_index import wait_for_port

FIXTURES = Path(__file__).parent / "fixtures" / "ollama"
QUESTION = "What did Putin say about trade with China?"


def _llm_missing() -> str | None:
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        return "llama-cpp-python is not installed (run `make setup-llm`)"
    if bundled_gguf() is None:
        return "the tiny GGUF model is not installed (run `make setup-llm`)"
    return None


needs_llm = pytest.mark.skipif(
    _llm_missing() is not None and os.environ.get("CI") != "true",
    reason=str(_llm_missing()),
)


def run(backend, index) -> tuple[list[str], Answer]:
    """Stream an answer; return the streamed pieces and the final Answer."""
    pieces: list[str] = []
    result = None
    for item in answer_stream(QUESTION, retriever=Retriever(index), backend=backend, k=4):
        if isinstance(item, Answer):
            result = item
        else:
            pieces.append(item)
    assert result is not None
    return pieces, result


def check_citations(result: Answer) -> None:
    """Every citation quotes its passage exactly; `verified` means real support."""
    by_n = {p.n: p for p in result.passages}
    for c in result.citations:
        passage = by_n[c.n]
        assert passage.text[c.start - passage.start : c.end - passage.start] == c.quote
        sentence = _sentences(result.answer)[c.sentence]
        supported = support_score(sentence, c.quote) >= VERIFY_THRESHOLD
        assert c.verified == supported, (sentence, c.quote)


def _sentences(text: str) -> list[str]:
    from qa.citations import parse_markers

    return [s for _, s, _ in parse_markers(text, set(range(1, 50)))]


@pytest.fixture(scope="module")
def llama_server():  # noqa: ANN201
    """llama-cpp-python's OpenAI-compatible server on loopback, serving the tiny model."""
    missing = _llm_missing()
    if missing:
        pytest.fail(missing) if os.environ.get("CI") == "true" else pytest.skip(missing)
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            bundled_gguf(),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "4096",
            "--model_alias",
            "smollm2",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, timeout=120)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@needs_llm
def test_openai_backend_streams_from_llama_cpp_server(llama_server, index_copy) -> None:
    backend = create_backend(
        "openai", LLMOptions(model="smollm2", base_url=llama_server, max_tokens=120)
    )
    pieces, result = run(backend, index_copy)
    assert len(pieces) > 3, "tokens must arrive as a stream"
    assert "".join(pieces).strip().startswith(result.answer[:20].strip())
    assert result.backend == "openai" and not result.refused
    assert any("245 billion" in p.text for p in result.passages)
    check_citations(result)


@needs_llm
def test_llamacpp_backend_in_process(index_copy) -> None:
    backend = create_backend("llamacpp", LLMOptions(max_tokens=120))
    pieces, result = run(backend, index_copy)
    assert len(pieces) > 3
    assert result.backend == "llamacpp"
    check_citations(result)


class _OllamaReplay(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.end_headers()
        self.wfile.write((FIXTURES / "chat_trade.ndjson").read_bytes())

    def log_message(self, *args: object) -> None:
        pass


def test_ollama_backend_against_recorded_replies(index_copy) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OllamaReplay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        backend = create_backend("ollama", LLMOptions(model="llama3.2", base_url=url))
        pieces, result = run(backend, index_copy)
    finally:
        server.shutdown()
    assert len(pieces) > 10
    request = _OllamaReplay.requests[-1]
    assert request["model"] == "llama3.2" and request["stream"] is True
    system, user = request["messages"][0]["content"], request["messages"][1]["content"]
    assert "untrusted data" in system
    # The passages travel inside the data section of the prompt, not as instructions.
    data = user[user.rindex("<passages>") : user.rindex("</passages>")]
    assert "245 billion" in data
    check_citations(result)
    verified = {c.sentence: c.verified for c in result.citations}
    assert verified == {0: True, 1: False}, "the made-up $900 billion must not verify"

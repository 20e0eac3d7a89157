"""LLM backends against real servers: xllamacpp's OpenAI-compatible listener (through the openai
backend and the in-process llamacpp backend) and ChatOllama against recorded Ollama replies."""

from __future__ import annotations

import json
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from qa.answer import answer_stream
from qa.backends.chat import LLMOptions
from qa.backends.llamacpp_local import LocalModelError, LocalServer, local_server
from qa.backends.registry import create_backend
from qa.citations import VERIFY_THRESHOLD, support_score
from qa.models import Answer
from qa.retrieve import Retriever

FIXTURES = Path(__file__).parent / "fixtures" / "ollama"
QUESTION = "What did Putin say about trade with China?"


class _Recording:
    """The backend as given, keeping the tokens it streams."""

    def __init__(self, backend) -> None:  # noqa: ANN001
        self.backend, self.tokens = backend, []

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.backend, name)

    def generate(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        for token in self.backend.generate(*args, **kwargs):
            self.tokens.append(token)
            yield token


def run(backend, index) -> tuple[list[str], Answer]:
    """Stream an answer; return the tokens the backend streamed and the final Answer.

    `answer_stream` passes them on a verified sentence at a time; those pieces must be there too.
    """
    recording = _Recording(backend)
    sentences: list[str] = []
    result = None
    for item in answer_stream(QUESTION, retriever=Retriever(index), backend=recording, k=4):
        if isinstance(item, Answer):
            result = item
        else:
            sentences.append(item)
    assert result is not None and sentences
    return recording.tokens, result


def check_citations(result: Answer) -> None:
    """Every citation quotes its passage exactly; `verified` means real support."""
    by_n = {p.n: p for p in result.passages}
    for c in result.citations:
        passage = by_n[c.n]
        assert passage.text[c.start - passage.start : c.end - passage.start] == c.quote
        sentence = _sentences(result.answer)[c.sentence]
        supported = support_score(sentence, c.quote) >= VERIFY_THRESHOLD
        # The structural checks can reject lexically close claims, never accept distant ones.
        assert supported or not c.verified, (sentence, c.quote)


def _sentences(text: str) -> list[str]:
    from qa.citations import parse_markers

    return [s for _, s, _ in parse_markers(text, set(range(1, 50)))]


def check_stream(pieces: list[str], result: Answer) -> None:
    """The answer arrived token by token, from the retrieved passages about the trade figure."""
    assert len(pieces) > 3, "tokens must arrive as a stream"
    assert not result.refused
    assert any("245 billion" in p.text for p in result.passages)


@pytest.fixture(scope="module")
def llama_server() -> LocalServer:
    """The process's xllamacpp listener serving the bundled SmolLM2 (started on first use)."""
    return local_server()


@pytest.mark.llm
def test_xllamacpp_listener_is_loopback_and_needs_its_key(llama_server: LocalServer) -> None:
    assert urlsplit(llama_server.base_url).hostname == "127.0.0.1"
    assert len(llama_server.api_key) >= 32
    body = json.dumps({"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 4})

    def status(path: str, key: str | None, data: str | None = None) -> int:
        headers = {"Content-Type": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        url = llama_server.base_url.removesuffix("/v1") + path
        request = urllib.request.Request(url, data=data and data.encode(), headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    assert status("/v1/chat/completions", None, body) == 401
    assert status("/v1/chat/completions", "wrong-key", body) == 401
    assert status("/v1/chat/completions", llama_server.api_key, body) == 200
    assert status("/slots", llama_server.api_key) in (404, 501), "the slots endpoint is off"


@pytest.mark.llm
def test_openai_backend_streams_from_the_xllamacpp_listener(llama_server, index_copy) -> None:
    backend = create_backend(
        "openai",
        LLMOptions(
            model=llama_server.model,
            base_url=llama_server.base_url,
            api_key=llama_server.api_key,
            max_tokens=120,
        ),
    )
    pieces, result = run(backend, index_copy)
    check_stream(pieces, result)
    assert result.backend == "openai"
    check_citations(result)


@pytest.mark.llm
def test_llamacpp_backend_runs_the_model_in_process(llama_server, index_copy) -> None:
    backend = create_backend("llamacpp", LLMOptions(max_tokens=120))
    pieces, result = run(backend, index_copy)
    check_stream(pieces, result)
    assert result.backend == "llamacpp"
    check_citations(result)
    # One listener per process: the backend reused the one the fixture started.
    assert backend.options.base_url == llama_server.base_url


def test_llamacpp_without_a_model_file_says_what_to_set(tmp_path: Path) -> None:
    missing = tmp_path / "nope.gguf"
    backend = create_backend("llamacpp", LLMOptions(model=str(missing)))
    with pytest.raises(LocalModelError) as caught:
        list(backend.stream_chat([{"role": "user", "content": "Hi"}], 8))
    message = str(caught.value)
    assert str(missing) in message and "QA_LLM_MODEL" in message and "\n" not in message
    assert str(missing) not in caught.value.public_message()


def test_llamacpp_without_xllamacpp_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF")
    monkeypatch.setitem(sys.modules, "xllamacpp", None)  # import fails as if not installed
    with pytest.raises(LocalModelError, match=r"needs xllamacpp: run `make setup-llm`"):
        local_server(str(model))


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

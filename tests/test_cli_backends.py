"""LLM servers that are down or refuse the key: one line with the redacted URL, never the key."""

from __future__ import annotations

import http.server
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from qa.backends.chat import BackendRequestError, LLMOptions
from qa.backends.registry import create_backend
from qa.errors import BackendUnavailableError
from qa.models import Passage
from tests.conftest import run_qa

KEY = "sk-test-7f3a9c1e5b2d4680"
QUESTION = "What did Putin say about trade?"
PASSAGE = Passage(1, "a1", "a1:0", 1.0, "Trade reached $245 billion.", 0, 27, "Trade")


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def refusing_server(status: int) -> Iterator[tuple[int, list[str]]]:
    """A real HTTP server that answers every request with `status` and echoes the key it got."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("content-length") or 0))
            auth = self.headers.get("authorization", "")
            seen.append(auth)
            body = json.dumps({"error": {"message": f"Incorrect API key provided: {auth}"}})
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], seen
    finally:
        server.shutdown()
        server.server_close()


def failing_ask(built_index, backend: str, url: str):  # noqa: ANN001, ANN201
    """`qa ask` through the real entry point against the given server, expected to fail."""
    return run_qa(
        "ask", QUESTION, "--backend", backend, "--base-url", url, data_dir=built_index, check=False
    )


def assert_one_line(result) -> str:  # noqa: ANN001
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert KEY not in result.stderr + result.stdout
    return lines[0]


@pytest.mark.parametrize(
    ("backend", "hint"),
    [
        ("openai", "start the server or set QA_LLM_BASE_URL"),
        ("ollama", "start it with `ollama serve` or set QA_LLM_BASE_URL"),
    ],
)
def test_unreachable_server_is_one_line_with_the_redacted_url(
    built_index, monkeypatch, backend, hint
) -> None:
    monkeypatch.setenv("QA_LLM_API_KEY", KEY)
    port = closed_port()
    url = f"http://alice:hunter2@127.0.0.1:{port}/v1?token=abc#frag"
    line = assert_one_line(failing_ask(built_index, backend, url))
    assert line == (
        f"error: the {backend} backend's server at http://127.0.0.1:{port}/v1 is unreachable "
        f"(connection refused); {hint}"
    )
    assert "hunter2" not in line and "token" not in line


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_is_named_and_the_upstream_body_never_shown(
    built_index, monkeypatch, status
) -> None:
    monkeypatch.setenv("QA_LLM_API_KEY", KEY)
    with refusing_server(status) as (port, seen):
        line = assert_one_line(failing_ask(built_index, "openai", f"http://127.0.0.1:{port}/v1"))
    assert seen and all(KEY in auth for auth in seen), "the server did get the key"
    assert line == (
        f"error: the openai backend's server at http://127.0.0.1:{port}/v1 answered HTTP "
        f"{status}: the server refused the API key (check QA_LLM_API_KEY)"
    )
    assert "Incorrect API key" not in line


def test_backend_errors_in_process_and_what_visitors_see() -> None:
    """The chat gets the same exceptions; their public message holds no URL and no body."""
    port = closed_port()
    for name in ("openai", "ollama"):
        options = LLMOptions(base_url=f"http://u:p@127.0.0.1:{port}/x?k=1", api_key=KEY)
        backend = create_backend(name, options)
        with pytest.raises(BackendUnavailableError) as caught:
            list(backend.generate(QUESTION, [PASSAGE]))
        assert caught.value.url == f"http://127.0.0.1:{port}/x"
        public = caught.value.public_message()
        assert str(port) not in public and name in public and "unreachable" in public
        assert caught.value.__suppress_context__, "the SDK's traceback is not chained on"

    with refusing_server(401) as (port, _):
        backend = create_backend("openai", LLMOptions(base_url=f"http://127.0.0.1:{port}/v1"))
        with pytest.raises(BackendRequestError) as refused:
            list(backend.generate(QUESTION, [PASSAGE]))
        assert refused.value.status == 401 and "Incorrect" not in str(refused.value)
        assert str(port) not in refused.value.public_message()

    with refusing_server(404) as (port, _):
        options = LLMOptions(base_url=f"http://127.0.0.1:{port}", model="tinyllama")
        with pytest.raises(BackendRequestError, match="ollama pull tinyllama"):
            list(create_backend("ollama", options).generate(QUESTION, [PASSAGE]))

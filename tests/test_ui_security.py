"""The server, probed over real HTTP as an attacker would: secrets, backends, Host, Origin, login.

Each test checks that the server refuses, not only that the page hides a field.
"""

from __future__ import annotations

import inspect
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.test_ui_api import config_of, event_id, gradio_event, running_app

pytestmark = pytest.mark.slow

KEY = "sk-canary-7f3a9c1e5b"
PASSWORD = "pw-canary-4d2e"
SECRETS = (KEY, PASSWORD, "user:", "qtoken-canary")
QUESTION = "What did Putin say about trade?"


def chat_data(question: str, backend: str, k: int = 5) -> list:
    """The chat event's inputs: question, chat, state, backend, k, outlets, since, until."""
    return [question, [], None, backend, k, [], "", ""]


def assert_no_secret(text: str, where: str) -> None:
    """None of the operator's secrets (key, URL password, user:, query token) is in `text`."""
    found = [s for s in SECRETS if s in text]
    assert not found, f"{where} leaks {found}"


@pytest.fixture(scope="module")
def data_copy(built_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the prebuilt index for this module's apps."""
    data_dir = tmp_path_factory.mktemp("ui-security") / "data"
    shutil.copytree(built_index, data_dir)
    return data_dir


class Canary(BaseHTTPRequestHandler):
    """An LLM server stand-in that only records who called it (and with which headers)."""

    calls: list[tuple[str, str]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        Canary.calls.append((self.path, self.headers.get("Authorization", "")))
        self.send_response(500)
        self.end_headers()

    do_GET = do_POST  # noqa: N815

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def canary() -> Iterator[str]:
    """The URL of a local server that records every request sent to it."""
    Canary.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Canary)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://user:{PASSWORD}@127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_service_takes_no_model_or_url_from_a_visitor() -> None:
    from qa.service import QAService

    for method in (QAService.ask_stream, QAService.backend):
        params = set(inspect.signature(method).parameters)
        assert not params & {"model", "base_url", "api_key", "url"}, (method, params)


def test_a_visitor_cannot_send_the_key_to_another_backend(data_copy: Path, canary: str) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    settings = {"llm_base_url": canary, "llm_api_key": KEY, "ui_backends": "extractive"}
    with running_app(data_copy, **settings) as url:
        config = config_of(url)
        labels = {c["props"].get("label") for c in config["components"]}
        assert not labels & {"Model", "Base URL"}
        backend = next(c for c in config["components"] if c["props"].get("elem_id") == "backend")
        assert backend["props"]["choices"] == [["extractive", "extractive"]]
        assert_no_secret(json.dumps(config), "/config")
        assert canary.split("@")[1] not in json.dumps(config)

        client = Client(url, verbose=False, download_files=False)
        for name in ("openai", "ollama", "llamacpp", "nonsense"):
            with pytest.raises(AppError, match="is not offered here; choose one of: extractive"):
                client.predict(QUESTION, "", name, 5, api_name="/ask")
        # A crafted REST call with an extra "base URL" argument is refused as well.
        with httpx.Client(base_url=url, timeout=60) as http:
            reply = http.post(
                "gradio_api/call/ask", json={"data": [QUESTION, "", "openai", 5, canary]}
            )
            if reply.status_code == 200:
                events = http.get(f"gradio_api/call/ask/{reply.json()['event_id']}").text
                assert "event: error" in events
            else:
                assert reply.status_code >= 400
        # The chat event, sent as the page would but with a backend the page never offered.
        fn, trigger = event_id(config, "question", "submit")
        reply = gradio_event(url, fn, trigger, chat_data(QUESTION, "openai"))
        assert reply["success"] is False
        reply = gradio_event(url, fn, trigger, chat_data(QUESTION, "extractive"))
        assert reply["success"] is True and "trading partner" in json.dumps(reply["output"])
    assert Canary.calls == []


def test_chat_refuses_a_backend_name_even_past_the_dropdown(data_copy: Path) -> None:
    from qa.config import Settings
    from qa.service import QAService
    from ui.chat import respond
    from ui.security import Scrubber

    service = QAService(Settings(_env_file=None, data_dir=data_copy, backend="extractive"))
    try:
        *_, (_, chat, _, state) = respond(
            service, Scrubber({}), QUESTION, [], None, "openai", 5, [], "", ""
        )
    finally:
        service.index.close()
    assert "backend &#x27;openai&#x27; is not offered here" in chat[-1]["content"]
    assert state["turns"] == []


def test_k_is_capped_at_20(data_copy: Path) -> None:
    from gradio_client import Client

    with running_app(data_copy, top_k=50) as url:
        client = Client(url, verbose=False, download_files=False)
        question = "What did the president announce?"
        big = client.predict(question, "", "extractive", 10_000, api_name="/ask")
        twenty = client.predict(question, "", "extractive", 20, api_name="/ask")
        default = client.predict(question, api_name="/ask")
        negative = client.predict(question, "", "extractive", -7, api_name="/ask")
    assert len(big["passages"]) == len(twenty["passages"]) == len(default["passages"]) == 20
    assert len(negative["passages"]) == 1


@pytest.fixture(scope="module")
def guarded_url(data_copy: Path) -> Iterator[str]:
    """An app on loopback that also answers to qa.example.org (QA_ALLOW_HOSTS)."""
    with running_app(data_copy, allow_hosts="qa.example.org") as url:
        yield url


def test_foreign_host_is_refused_before_gradio(guarded_url: str, data_copy: Path) -> None:
    port = int(guarded_url.rstrip("/").rsplit(":", 1)[1])
    before = len(config_of(guarded_url)["components"])
    with httpx.Client(base_url=guarded_url, timeout=30) as http:
        for path in ("", "config", "gradio_api/info", "gradio_api/queue/data?session_hash=x"):
            for host in ("evil.example", f"evil.example:{port}", "localhost:1234", "127.0.0.1"):
                reply = http.get(path, headers={"Host": host})
                assert reply.status_code == 400, (path, host, reply.status_code)
                assert "does not answer to that Host" in reply.text
        # An /add call through the REST route with a rebinding Host runs nothing.
        body = {"data": ["Rebinding text about Zorblax.", "Zorblax", "", "", "", []]}
        reply = http.post("gradio_api/call/add", json=body, headers={"Host": "evil.example"})
        assert reply.status_code == 400
        for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", "qa.example.org"):
            assert http.get("config", headers={"Host": host}).status_code == 200, host
        assert http.get("config", headers={"Host": f"QA.example.org:{port}"}).status_code == 200
    assert len(config_of(guarded_url)["components"]) == before
    rows = httpx.get(guarded_url + "gradio_api/info").json()
    assert "named_endpoints" in rows  # still serving


def test_cors_allows_only_this_servers_origins(guarded_url: str) -> None:
    port = int(guarded_url.rstrip("/").rsplit(":", 1)[1])
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x"}
    with httpx.Client(base_url=guarded_url, timeout=30) as http:
        for origin in (
            "http://localhost:1234",
            "http://127.0.0.1:9999",
            "http://evil.example",
            "null",
            f"http://localhost:{port}.evil.example",
        ):
            reply = http.options("gradio_api/info", headers={"Origin": origin, **preflight})
            assert reply.status_code == 403, origin
            assert "access-control-allow-origin" not in reply.headers
            # A simple cross-origin POST is refused too, not merely left unreadable.
            assert (
                http.post("gradio_api/call/ask", headers={"Origin": origin}, json={}).status_code
                == 403
            )
        for origin in (
            f"http://localhost:{port}",
            f"http://127.0.0.1:{port}",
            "https://qa.example.org",
        ):
            reply = http.options("gradio_api/info", headers={"Origin": origin, **preflight})
            assert reply.status_code == 200, origin
            assert reply.headers["access-control-allow-origin"] == origin


def test_host_rules_for_other_binds() -> None:
    from ui.guard import allowed_hosts, allowed_origins, origin_allowed, split_host

    loop = allowed_hosts("127.0.0.1", 7860)
    assert loop == {("localhost", 7860), ("127.0.0.1", 7860), ("[::1]", 7860)}
    assert allowed_hosts("::1", 7860) == loop
    lan = allowed_hosts("192.168.1.4", 7860, ["qa.example.org", "proxy.example:8443"])
    assert lan == {
        ("192.168.1.4", 7860),
        ("qa.example.org", 7860),
        ("qa.example.org", None),
        ("proxy.example", 8443),
    }
    assert split_host("localhost:7860") not in lan  # a LAN bind does not answer to localhost
    wildcard = allowed_hosts("0.0.0.0", 7860)
    assert ("127.0.0.1", 7860) in wildcard and ("0.0.0.0", 7860) not in wildcard
    assert origin_allowed("https://qa.example.org", lan)
    assert not origin_allowed("https://qa.example.org.evil", lan)
    assert not origin_allowed("http://192.168.1.4:7861", lan)
    assert "http://localhost:*" not in allowed_origins(loop)
    assert "*" not in "".join(allowed_origins(lan))
    for bad in ("a b", "x/y", "u@h", ""):
        with pytest.raises(ValueError, match="not a host name"):
            allowed_hosts("127.0.0.1", 7860, [bad])


def test_failed_logins_are_throttled(data_copy: Path) -> None:
    from gradio_client import Client

    with running_app(data_copy, auth=("ann", PASSWORD)) as url:
        right = {"username": "ann", "password": PASSWORD}
        with httpx.Client(base_url=url, timeout=30) as http:
            codes = [
                http.post("login", data={"username": "ann", "password": f"guess-{n}"}).status_code
                for n in range(3)
            ]
            assert codes == [400, 400, 400]
            locked = http.post("login", data=right)
            assert locked.status_code == 429  # even the right password waits out the lockout
            assert 1 <= int(locked.headers["retry-after"]) <= 900
            assert "try again in" in locked.json()["detail"]
            started = time.perf_counter()
            for n in range(60):
                form = {"username": "ann", "password": f"guess-{n}"}
                codes.append(http.post("login", data=form).status_code)
            tried = codes.count(400)  # wrong passwords the server actually checked
            elapsed = time.perf_counter() - started
            # Each checked failure after the third doubles the wait (1 s, 2 s, 4 s, …), so in
            # `elapsed` seconds at most 4 + log2(elapsed + 1) guesses are checked, not 63.
            assert tried <= 4 + math.log2(elapsed + 1), (tried, elapsed)
            assert codes.count(429) == len(codes) - tried
            for _ in range(12):  # wait out the lockout, then the right password works
                reply = http.post("login", data=right)
                if reply.status_code != 429:
                    break
                time.sleep(int(reply.headers["retry-after"]) + 0.1)
            assert reply.is_success, reply.text
        client = Client(url, auth=("ann", PASSWORD), verbose=False, download_files=False)
        assert client.predict(search="putin", api_name="/articles")


def test_login_throttle_doubles_per_address_and_forgets_on_success() -> None:
    from ui.guard import LoginThrottle

    now = [100.0]
    throttle = LoginThrottle(app=None, free=3, base_delay=1.0, max_delay=8.0, clock=lambda: now[0])
    for _ in range(2):
        throttle.record("10.0.0.1", ok=False)
    assert throttle.wait_left("10.0.0.1") == 0
    waits = []
    for _ in range(6):
        throttle.record("10.0.0.1", ok=False)
        waits.append(throttle.wait_left("10.0.0.1"))
    assert waits == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert throttle.wait_left("10.0.0.2") == 0  # another address is not locked out
    now[0] += 8.0
    assert throttle.wait_left("10.0.0.1") == 0
    throttle.record("10.0.0.1", ok=True)
    throttle.record("10.0.0.1", ok=False)
    assert throttle.wait_left("10.0.0.1") == 0  # a success starts the count again


def start_serve(
    data_dir: Path, env: dict[str, str], *args: str
) -> tuple[subprocess.Popen, str, str]:
    """`qa serve --port 0` in its own process; returns it, the URL it printed when ready and
    what it printed up to then."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "qa", "serve", "--port", "0", "--data-dir", str(data_dir), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **env},
    )
    lines = []
    deadline = time.monotonic() + 180
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        found = re.search(r"open (http://\S+) ", line)
        if found:
            return proc, found.group(1), "".join(lines)
    proc.kill()
    raise AssertionError("qa serve did not start:\n" + "".join(lines))


def stop_serve(proc: subprocess.Popen) -> str:
    """Ctrl-C the server; everything it printed."""
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out


def test_secrets_never_leave_the_serving_process(data_copy: Path) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    env = {
        "QA_BACKEND": "openai",
        "QA_LLM_MODEL": "some-model",
        "QA_LLM_BASE_URL": f"http://user:{PASSWORD}@127.0.0.1:9/v1?key=qtoken-canary",
        "QA_LLM_API_KEY": KEY,
    }
    proc, url, startup = start_serve(data_copy, env)
    try:
        # The URL is printed only once the server listens: the first request must succeed.
        assert httpx.get(url, timeout=30).status_code == 200
        seen = []
        for path in ("", "config", "gradio_api/info", "gradio_api/info?all_endpoints=true"):
            reply = httpx.get(url + path, timeout=30)
            assert reply.status_code == 200, path
            seen.append(reply.text)
            assert_no_secret(reply.text, path or "/")
            assert "127.0.0.1:9" not in reply.text, path
        client = Client(url, verbose=False, download_files=False)
        with pytest.raises(AppError) as failed:
            client.predict(QUESTION, "", "openai", 5, api_name="/ask")
        message = str(failed.value)
        assert_no_secret(message, "/ask error")
        assert "127.0.0.1:9" not in message
        assert "openai" in message and "unreachable" in message, message
        with pytest.raises(AppError, match="not offered here; choose one of: openai, extractive"):
            client.predict(QUESTION, "", "ollama", 5, api_name="/ask")
        ok = client.predict(QUESTION, "", "extractive", 5, api_name="/ask")
        assert "trading partner" in ok["answer"]
        config = config_of(url)
        fn, trigger = event_id(config, "question", "submit")
        reply = gradio_event(url, fn, trigger, chat_data(QUESTION, "openai"))
        shown = json.dumps(reply["output"])
        assert_no_secret(shown, "the chat's error")
        assert "127.0.0.1:9" not in shown
        assert "openai" in shown and "unreachable" in shown, shown
    finally:
        log = startup + stop_serve(proc)
    assert_no_secret(log, "the server's terminal output")
    assert "backends: openai, extractive" in log
    assert "answering /ask" in log and "answering a chat question" in log  # the operator is told

"""`qa serve` as an operator starts it, and asks running side by side."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_ui_api import config_of, event_id, gradio_event, running_app

pytestmark = pytest.mark.slow

QUESTION = "What did Putin say about trade?"


def serve_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """`python -m qa serve ARGS` to the end."""
    return subprocess.run(
        [sys.executable, "-m", "qa", "serve", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=os.environ.copy(),
    )


def test_busy_port_is_one_clear_line_and_exit_1(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = serve_cli("--port", str(port), "--data-dir", str(tmp_path / "d"))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == f"error: port {port} is in use; pass --port N"
    assert "Traceback" not in result.stderr and "open http" not in result.stderr
    assert not (tmp_path / "d").exists()  # nothing was opened or created


def test_auth_on_the_command_line_warns_about_ps(tmp_path: Path) -> None:
    result = serve_cli("--auth", "ann:pw", "--allow-host", "bad host", "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert "--auth shows the password to anyone who can run `ps`; set QA_AUTH instead" in (
        result.stderr
    )
    assert "not a host name: 'bad host'" in result.stderr


def test_make_run_takes_port_and_data_dir() -> None:
    result = subprocess.run(
        ["make", "-n", "run", "PORT=7999", "DATA_DIR=/tmp/qa-elsewhere"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.splitlines()
    ingest = next(line for line in lines if "qa ingest samples/" in line)
    serve = next(line for line in lines if "qa serve" in line)
    assert "--data-dir /tmp/qa-elsewhere" in ingest and "--data-dir /tmp/qa-elsewhere" in serve
    assert "--port 7999" in serve
    plain = subprocess.run(["make", "-n", "run"], cwd=REPO, capture_output=True, text=True)
    assert "--port 7860" in plain.stdout and "--data-dir" not in plain.stdout


@pytest.fixture
def hanging_llm() -> Iterator[str]:
    """An "LLM server" that accepts connections and never answers (a very slow model)."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_a_slow_ask_does_not_block_the_others(
    built_index: Path, tmp_path: Path, hanging_llm: str
) -> None:
    from gradio_client import Client

    data_dir = tmp_path / "copy"
    shutil.copytree(built_index, data_dir)
    settings = {"backend": "openai", "llm_base_url": hanging_llm, "llm_model": "m"}
    with running_app(data_dir, llm_api_key="k", **settings) as url:
        client = Client(url, verbose=False, download_files=False)
        slow_api = threading.Thread(
            target=lambda: _swallow(client.predict, QUESTION, "", "openai", 5, api_name="/ask"),
            daemon=True,
        )
        config = config_of(url)
        fn, trigger = event_id(config, "question", "submit")
        slow_chat = threading.Thread(
            target=_swallow,
            args=(gradio_event, url, fn, trigger, [QUESTION, [], None, "openai", 5, [], "", ""]),
            daemon=True,
        )
        slow_api.start()
        slow_chat.start()
        time.sleep(2)  # both are now waiting on the model
        started = time.perf_counter()
        answers = [client.predict(QUESTION, "", "extractive", 5, api_name="/ask") for _ in range(3)]
        chat = gradio_event(url, fn, trigger, [QUESTION, [], None, "extractive", 5, [], "", ""])
        elapsed = time.perf_counter() - started
        assert slow_api.is_alive() and slow_chat.is_alive()  # the slow ones still wait …
        # … and the rest were answered
        assert all("trading partner" in a["answer"] for a in answers)
        assert chat["success"] and "trading partner" in str(chat["output"])
        assert elapsed < 60


def _swallow(fn, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
    """Call fn; its failure (the hanging server closing) does not matter here."""
    try:
        fn(*args, **kwargs)
    except Exception:  # noqa: BLE001
        pass

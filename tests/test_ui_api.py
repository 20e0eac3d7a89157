"""The Gradio app's named API through gradio_client against a running app; serving safeguards."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ANSWER_KEYS, SAMPLE

pytestmark = pytest.mark.slow

REPORT_KEYS = {
    "added",
    "updated",
    "unchanged",
    "failed",
    "skipped",
    "chunks",
    "seconds",
    "changes",
}
ZEPHYR = (
    "The Zephyr Tunnel under the Varn Mountains opened to traffic on Monday. "
    "The tunnel is 31.4 kilometres long and took eleven years to build. "
    "Engineers said the Zephyr Tunnel has 212 emergency exits."
)


@contextmanager
def running_app(
    data_dir: Path, auth: tuple[str, str] | None = None, **settings: Any
) -> Iterator[str]:
    """The real app, launched on a free loopback port over `data_dir`; yields its URL."""
    from qa.config import Settings
    from qa.service import QAService
    from ui.app import launch

    settings.setdefault("backend", "extractive")
    config = Settings(_env_file=None, data_dir=data_dir, **settings)
    service = QAService(config)
    app = launch(service, "127.0.0.1", 0, auth, block=False)
    try:
        yield app.local_url
    finally:
        app.close()
        service.index.close()


def config_of(url: str, **kw: Any) -> dict:
    """The app's /config (what the page is built from)."""
    import httpx

    return httpx.get(url + "config", **kw).raise_for_status().json()


def event_id(config: dict, elem_id: str, trigger: str) -> tuple[int, int]:
    """(fn_index, component id) of the event `trigger` of the component with `elem_id`."""
    ids = {c["props"].get("elem_id"): c["id"] for c in config["components"]}
    target = ids[elem_id]
    for dep in config["dependencies"]:
        if [target, trigger] in dep["targets"]:
            return dep["id"], target
    raise KeyError(f"no {trigger} event on #{elem_id}")


def gradio_event(
    url: str, fn_index: int, trigger: int, data: list, session: str = "", **kw: Any
) -> dict:
    """Call an event the way the page does (queue/join, then the SSE stream), as a crafted
    request could: returns the final message ({"success": bool, "output": {...}}). Calls
    with the same `session` share its state, like one open page."""
    import uuid

    import httpx

    session = session or uuid.uuid4().hex[:10]
    body = {
        "data": data,
        "fn_index": fn_index,
        "trigger_id": trigger,
        "session_hash": session,
        "event_data": None,
    }
    with httpx.Client(base_url=url, timeout=120, **kw) as http:
        http.post("gradio_api/queue/join", json=body).raise_for_status()
        with http.stream("GET", "gradio_api/queue/data", params={"session_hash": session}) as sse:
            for line in sse.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed":
                    return message
    raise AssertionError("the event stream ended without process_completed")


@pytest.fixture(scope="module")
def app_url(built_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One app per module, over a private copy of the prebuilt index."""
    data_dir = tmp_path_factory.mktemp("ui-api") / "data"
    shutil.copytree(built_index, data_dir)
    with running_app(data_dir, max_file_bytes=50_000) as url:
        yield url


@pytest.fixture(scope="module")
def client(app_url: str):  # noqa: ANN201
    """A gradio_client connected to the app (that leaves /add's {"path": …} failures alone)."""
    from gradio_client import Client

    return Client(app_url, verbose=False, download_files=False)


def sample_text() -> str:
    """The sample article's body (without its front matter)."""
    return SAMPLE.read_text(encoding="utf-8").split("---", 2)[2]


def test_only_the_named_endpoints_are_public(client) -> None:
    info = client.view_api(print_info=False, return_format="dict")
    assert set(info["named_endpoints"]) == {"/ask", "/add", "/articles", "/quotes"}
    assert info["unnamed_endpoints"] == {}


def test_ask_returns_the_cli_json_with_verified_citations(client) -> None:
    result = client.predict("What did Putin say about trade?", api_name="/ask")
    assert set(result) == ANSWER_KEYS
    assert not result["refused"] and result["backend"] == "extractive"
    assert "trading partner" in result["answer"]
    assert result["citations"] and all(c["verified"] for c in result["citations"])
    body = sample_text()
    for c in result["citations"]:
        assert c["quote"] in body
        assert c["end"] - c["start"] == len(c["quote"])
        assert c["title"].startswith("Putin and Xi")
        assert f"[{c['n']}]" in result["answer"]


def test_ask_a_speaker_question_gets_only_the_speakers_words(client) -> None:
    result = client.predict("What did Trump say about the war?", api_name="/ask")
    assert result["citations"] and result["citations"][0]["speaker"] == "Donald Trump"
    first = result["answer"].splitlines()[0]
    assert first.startswith("Donald Trump (reported 21 January 2025): ") and "destroying" in first
    xi = client.predict("What did Xi say?", api_name="/ask")
    assert {c["speaker"] for c in xi["citations"]} == {"Xi Jinping"}, xi["answer"]


def test_ask_follow_up_uses_the_history(client) -> None:
    first = client.predict("What did Putin say about trade?", api_name="/ask")
    history = [
        {"role": "user", "content": first["question"]},
        {"role": "assistant", "content": first["answer"]},
    ]
    result = client.predict(
        "What about energy?", json.dumps(history), "extractive", 5, api_name="/ask"
    )
    assert "energy" in result["standalone_question"].lower()
    assert "putin" in result["standalone_question"].lower()
    assert not result["refused"] and "nuclear" in result["answer"].lower()


def test_ask_off_topic_is_refused_with_nearest_sources(client) -> None:
    result = client.predict(
        "What is the boiling point of liquid nitrogen on Mars?", api_name="/ask"
    )
    assert result["refused"] and result["citations"] == []


def test_bad_history_is_an_error(client) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError):
        client.predict("What about energy?", '{"not": "a list"}', api_name="/ask")


def test_added_text_is_answerable_at_once(client) -> None:
    report = client.predict(
        text=ZEPHYR,
        title="Zephyr Tunnel opens",
        url="https://news.example.org/zephyr",
        outlet="Example News",
        date="2025-03-03",
        files=[],
        api_name="/add",
    )
    assert set(report) == REPORT_KEYS
    assert report["added"] == 1 and report["failed"] == [] and report["chunks"] >= 1
    rows = client.predict(search="zephyr", api_name="/articles")
    assert [r["title"] for r in rows] == ["Zephyr Tunnel opens"]
    new_id = rows[0]["id"]
    result = client.predict(
        "How many emergency exits does the Zephyr Tunnel have?", api_name="/ask"
    )
    assert not result["refused"] and "212" in result["answer"]
    assert result["citations"][0]["article_id"] == new_id
    assert result["citations"][0]["outlet"] == "Example News"


def test_add_files_reports_each_bad_input_like_the_cli(client, tmp_path: Path) -> None:
    from gradio_client import handle_file

    good = tmp_path / "quill.md"
    good.write_text(
        "---\ntitle: Quill Bridge opens\npublished_at: 2025-02-02\n---\n"
        "The Quill Bridge in Oslo opened with 12 lanes.\n",
        encoding="utf-8",
    )
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"title": "Snow", "text": "Snow closed 40 schools."}\n{broken\n', "utf-8")
    wrong = tmp_path / "notes.pdf"
    wrong.write_bytes(b"%PDF-1.4")
    files = [handle_file(str(p)) for p in (good, feed, wrong)]
    report = client.predict(files=files, api_name="/add")
    assert report["added"] == 2
    failed = {(f["path"], f["line"]): f["reason"] for f in report["failed"]}
    assert set(failed) == {("feed.jsonl", 2), ("notes.pdf", None)}
    assert "unsupported file type .pdf" in failed[("notes.pdf", None)]
    again = client.predict(files=[handle_file(str(good))], api_name="/add")
    assert (again["added"], again["unchanged"]) == (0, 1)


def test_add_nothing_is_a_clear_failure(client) -> None:
    report = client.predict(api_name="/add")
    assert report["added"] == 0
    assert report["failed"][0]["reason"] == "no article text"


def test_upload_limits(client, tmp_path: Path) -> None:
    from gradio_client import handle_file

    from ui.library import MAX_FILES, check_uploads

    big = tmp_path / "big.txt"
    big.write_text("word " * 12_000, encoding="utf-8")  # 60 kB, over max_file_bytes=50 kB
    with pytest.raises(ValueError, match="exceeds the maximum file size of 50000"):
        client.predict(files=[handle_file(str(big))], api_name="/add")
    accepted, rejected = check_uploads([str(big)], 50_000)  # the handler checks again
    assert accepted == [] and rejected[0]["path"] == "big.txt"
    assert "60000 bytes, over the limit of 50000" in rejected[0]["reason"]
    accepted, rejected = check_uploads([str(big)] * (MAX_FILES + 1), 10**6)
    assert accepted == [] and f"at most {MAX_FILES}" in rejected[0]["reason"]


def test_exposure_rules() -> None:
    from ui.security import ExposureError, check_exposure, is_loopback, parse_auth

    assert parse_auth("ann:s3:cret") == ("ann", "s3:cret")
    assert parse_auth(None) is None
    for bad in ("ann", "ann:", ":pw"):
        with pytest.raises(ValueError):
            parse_auth(bad)
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.4", "example.com"))
    check_exposure("127.0.0.1", None)
    check_exposure("0.0.0.0", ("ann", "pw"))
    check_exposure("0.0.0.0", None, force=True)
    with pytest.raises(ExposureError, match="--auth"):
        check_exposure("0.0.0.0", None)


def test_auth_protects_the_page_and_the_api(tmp_path: Path) -> None:
    import httpx
    from gradio_client import Client

    with running_app(tmp_path / "empty", auth=("ann", "s3cret")) as url:
        assert httpx.get(url + "config").status_code == 401
        assert httpx.get(url + "gradio_api/info").status_code == 401
        assert httpx.get(url + "quotes", params={"speaker": "xi"}).status_code == 401
        with httpx.Client(base_url=url) as http:  # the page's login opens GET /quotes too
            http.post("login", data={"username": "ann", "password": "s3cret"})
            assert http.get("quotes", params={"speaker": "xi"}).json() == []
        with pytest.raises(ValueError, match="credentials were not provided"):
            Client(url, verbose=False)
        client = Client(url, auth=("ann", "s3cret"), verbose=False, download_files=False)
        assert client.predict(api_name="/articles") == []


def test_empty_index_is_said_in_the_chat_and_ask(tmp_path: Path) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    with running_app(tmp_path / "empty") as url:
        client = Client(url, verbose=False, download_files=False)
        with pytest.raises(AppError, match="No articles are indexed yet: add some in the Library"):
            client.predict("What did Putin say?", api_name="/ask")
        fn, trigger = event_id(config_of(url), "question", "submit")
        reply = gradio_event(
            url, fn, trigger, ["What did Putin say?", [], None, "extractive", 5, [], "", ""]
        )
    assert reply["success"]
    assert "No articles are indexed yet" in json.dumps(reply["output"])
    assert str(tmp_path) not in json.dumps(reply["output"])  # visitors are not told the path


def test_serve_refuses_an_open_lan_bind_before_loading_anything() -> None:
    import typer
    from typer.testing import CliRunner

    from qa.cli_serve import serve

    app = typer.Typer()
    app.command()(serve)
    result = CliRunner().invoke(app, ["--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "refusing to serve on 0.0.0.0 without a login" in result.output
    result = CliRunner().invoke(app, ["--auth", "nopassword"])
    assert result.exit_code == 2 and "user:password" in result.output

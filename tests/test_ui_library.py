"""/add and the Library tab over real HTTP: no silent replacement, read-only, limits, failures."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from tests.test_ui_api import config_of, event_id, gradio_event, running_app

pytestmark = pytest.mark.slow

REFUSED = "already indexed with different text; the operator can allow updates"
URL = "https://news.example.org/zephyr"
TEXT = (
    "The Zephyr Tunnel under the Varn Mountains opened to traffic on Monday. "
    "The tunnel is 31.4 kilometres long and took eleven years to build."
)
FORGED = TEXT + " Engineers said the tunnel is unsafe and will close next week."


@pytest.fixture
def data_copy(built_index: Path, tmp_path: Path) -> Path:
    """A private copy of the prebuilt index."""
    shutil.copytree(built_index, tmp_path / "copy")
    return tmp_path / "copy"


def client_of(url: str):  # noqa: ANN201
    """A gradio_client that leaves /add's {"path": …} failures alone."""
    from gradio_client import Client

    return Client(url, verbose=False, download_files=False)


def paste(client, text: str, title: str = "Zephyr Tunnel opens", date: str = "2025-03-03") -> dict:  # noqa: ANN001
    """/add with pasted text."""
    return client.predict(
        text=text, title=title, url=URL, outlet="Example", date=date, files=[], api_name="/add"
    )


def test_add_never_silently_replaces_and_says_what_an_allowed_update_changed(
    data_copy: Path,
) -> None:
    with running_app(data_copy) as url:
        client = client_of(url)
        assert paste(client, TEXT)["added"] == 1
        report = paste(client, FORGED, title="Zephyr Tunnel unsafe")
        assert (report["added"], report["updated"]) == (0, 0)
        assert report["failed"] == [{"path": "<pasted text>", "reason": REFUSED, "line": None}]
        answer = client.predict("How long is the Zephyr Tunnel?", api_name="/ask")
        assert "unsafe" not in answer["answer"]
        # The Library tab's own event says the same, in words.
        config = config_of(url)
        fn, trigger = event_id(config, "add-text", "click")
        reply = gradio_event(url, fn, trigger, [FORGED, "Zephyr", URL, "", "", ""])
        status = reply["output"]["data"][5]
        assert status.startswith("added 0, updated 0, unchanged 0, failed 1")
        assert f"failed: \u2068<pasted text>\u2069: {REFUSED}" in status
        assert reply["output"]["data"][0] != ""  # the form keeps the text to fix it
    with running_app(data_copy, allow_updates=True) as url:
        client = client_of(url)
        report = paste(client, FORGED, title="Zephyr Tunnel unsafe", date="2025-03-04")
        assert report["updated"] == 1 and not report["failed"]
        (change,) = report["changes"]
        assert change["changed"] == [
            "title 'Zephyr Tunnel opens' → 'Zephyr Tunnel unsafe'",
            "date 2025-03-03 → 2025-03-04",
            f"text {len(TEXT)} → {len(FORGED)} characters",
        ]
        config = config_of(url)
        fn, trigger = event_id(config, "add-text", "click")
        reply = gradio_event(url, fn, trigger, [TEXT, "Zephyr again", URL, "", "2025-03-04", ""])
        data = reply["output"]["data"]
        assert data[5].startswith("added 0, updated 1")
        assert (
            "updated: \u2068Zephyr again\u2069: title 'Zephyr Tunnel unsafe' → 'Zephyr again'"
            in (data[5])
        )
        assert data[:5] == ["", "", "", "", ""]  # a successful add clears the form


def test_read_only_server_refuses_writes_and_offers_none(data_copy: Path) -> None:
    with running_app(data_copy, read_only=True) as url:
        client = client_of(url)
        before = client.predict(api_name="/articles")
        report = paste(client, TEXT)
        assert report["added"] == 0
        assert "read-only" in report["failed"][0]["reason"]
        config = config_of(url)
        by_elem = {c["props"].get("elem_id"): c for c in config["components"]}
        assert by_elem["delete"]["props"]["visible"] is False
        for elem in ("delete", "add-text", "add-files"):
            with pytest.raises(KeyError):
                event_id(config, elem, "click")  # no write event exists to be called at all
        assert client.predict(api_name="/articles") == before


def test_pasted_text_over_the_limit_is_refused_with_a_clear_message(data_copy: Path) -> None:
    with running_app(data_copy, max_paste_chars=200) as url:
        report = paste(client_of(url), "word " * 50)
    assert report["added"] == 0
    reason = report["failed"][0]["reason"]
    assert reason.startswith("pasted text is 250 characters, over the limit of 200")


def test_a_failing_ingest_is_a_clear_failed_entry(data_copy: Path) -> None:
    holder = sqlite3.connect(data_copy / "articles.sqlite", isolation_level=None)
    with running_app(data_copy) as url:
        client = client_of(url)
        before = len(client.predict(api_name="/articles"))
        holder.execute("BEGIN IMMEDIATE")  # another process holds the catalog's write lock
        release = threading.Timer(40, holder.rollback)
        release.start()
        try:
            started = time.perf_counter()
            report = paste(client, TEXT)
            waited = time.perf_counter() - started
        finally:
            release.cancel()
            holder.rollback()
            holder.close()
        assert report["added"] == 0 and len(report["failed"]) == 1
        reason = report["failed"][0]["reason"]
        assert (
            reason == "the index is busy: another process is writing to it; try again in a minute"
        )
        assert waited < 40
        assert len(client.predict(api_name="/articles")) == before  # nothing half-added
        assert paste(client, TEXT)["added"] == 1  # and it works once the lock is gone

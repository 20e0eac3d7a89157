"""Two writers on one data folder at the same time, and an ingest while `qa serve` answers.

Real processes, real Chroma: two `qa ingest` started together that overlap (both are made to wait
on the write lock at the same moment, then race for it), and a `qa ingest` whose article the
running server then finds through its dense search.
"""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from index.catalog import Filters
from index.doctor import diagnose
from index.indexer import ArticleIndex
from index.lock import FolderLock
from tests.index_support import (
    all_chunk_ids,
    articles_state,
    dense_findable,
    fixture_records,
    qa_command,
    qa_env,
    run,
    short_records,
    write_jsonl,
)

pytestmark = pytest.mark.slow


def _wait_for(predicate, timeout: float, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.1)


def test_two_ingests_at_once_lose_nothing(tmp_path: Path, embedder) -> None:
    data = tmp_path / "data"
    first = write_jsonl(tmp_path / "a" / "first.jsonl", short_records(0, 20))
    second = write_jsonl(tmp_path / "b" / "second.jsonl", short_records(20, 40))
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    lock = FolderLock(data)
    started = threading.Event()
    release = threading.Event()
    processes: list[subprocess.Popen] = []

    def hold_until_released() -> None:
        started.set()
        release.wait(600)

    # The test holds the write lock while both writers start: each loads and embeds its first
    # batch and then has to wait, so both are writing at the same time when the lock frees.
    holder = threading.Thread(target=lambda: lock.run(hold_until_released))
    holder.start()
    started.wait(60)
    try:
        for source, log in zip((first, second), logs, strict=True):
            processes.append(
                subprocess.Popen(
                    qa_command("ingest", str(source), "--json"),
                    env=qa_env(data),
                    stdout=subprocess.PIPE,
                    stderr=log.open("w"),
                    text=True,
                )
            )
        _wait_for(
            lambda: all("waiting for pid" in log.read_text() for log in logs),
            timeout=600,
            what="both writers waiting on the lock",
        )
        assert all(p.poll() is None for p in processes), "both writers run at the same time"
    finally:
        release.set()
        holder.join(60)
    reports = [json.loads(p.communicate(timeout=600)[0]) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], [log.read_text() for log in logs]
    for log in logs:  # each named the holder it waited for: this test's process
        assert f"waiting for pid {lock_holder_pid()} (" in log.read_text()
    assert [r["added"] for r in reports] == [20, 20] and not any(r["failed"] for r in reports)

    index = ArticleIndex(data, embedder)
    try:
        found = diagnose(index)
        assert found.ok, found.problems
        assert found.articles == 40 and found.chunks == found.vectors == sum(
            r["chunks"] for r in reports
        )
        assert all_chunk_ids(index) == dense_findable(index), "every chunk findable by its vector"
        assert index.catalog.garbage() == []
    finally:
        index.close()
    doctor = run("doctor", "--json", data_dir=data)
    assert doctor.returncode == 0 and json.loads(doctor.stdout)["ok"], doctor.stdout


def lock_holder_pid() -> int:
    """The pid the writers saw holding the lock (this test's process)."""
    import os

    return os.getpid()


# --- ingest while serving --------------------------------------------------------------------

LAKE_ARTICLE = {
    "title": "Valdoria opens floating solar farm on its reservoir",
    "url": "https://valdoria-herald.example/2025/03/04/solar",
    "publish_date": "2025-03-04",
    "text": (
        "Harbour authorities in Valdoria switched on a floating solar farm on the Merrow "
        "reservoir on Tuesday. The installation of 12,000 photovoltaic panels will supply about "
        "4,000 homes, officials said. Engineers anchored the panels to the reservoir bed so they "
        "rise and fall with the water level."
    ),
}
# Shares no searchable word (nor stem) with the article: only the dense search can find it.
DENSE_ONLY_QUESTION = "Which lake received sunlight-driven energy pontoons?"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_ingest_while_serving_is_found_by_the_dense_search(tmp_path: Path, embedder) -> None:
    data = tmp_path / "data"
    start = write_jsonl(tmp_path / "start.jsonl", fixture_records(40, 46))
    assert run("ingest", str(start), data_dir=data).returncode == 0
    port = free_port()
    log = tmp_path / "serve.log"
    server = subprocess.Popen(
        qa_command("serve", "--port", str(port)),
        env=qa_env(data),
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    try:
        client = connect(port, server, log)
        before = ask(client)
        lake = write_jsonl(tmp_path / "lake.jsonl", [LAKE_ARTICLE])
        added = run("ingest", str(lake), "--json", data_dir=data)  # another process
        assert added.returncode == 0 and json.loads(added.stdout)["added"] == 1, added.stderr
        after = ask(client)
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert "warning" not in log.read_text(), log.read_text()  # the start-up check was clean

    index = ArticleIndex(data, embedder)
    try:
        lake_id = next(r["id"] for r in index.catalog.list_articles() if "Valdoria" in r["title"])
        lexical = index.catalog.lexical_search(DENSE_ONLY_QUESTION, 50, Filters())
        assert all(h.article_id != lake_id for h in lexical), "the question must be dense-only"
        chunk_ids = set(index.catalog.chunk_ids_of(lake_id))
    finally:
        index.close()
    assert all(p["article_id"] != lake_id for p in before["passages"])
    served = [p for p in after["passages"] if p["article_id"] == lake_id]
    assert served and {p["chunk_id"] for p in served} <= chunk_ids, after["passages"]


def ask(client) -> dict:  # noqa: ANN001
    """/ask with the most passages a visitor may ask for: the new article has no word in common
    with the question, so it ranks low once fused, but it must be there."""
    return client.predict(DENSE_ONLY_QUESTION, "", "extractive", 20, api_name="/ask")


def connect(port: int, server: subprocess.Popen, log: Path):  # noqa: ANN201
    """A gradio_client for the served app, once `qa serve` says it is ready."""
    from gradio_client import Client

    deadline = time.monotonic() + 300
    while "Ctrl-C to stop" not in log.read_text():  # `qa serve` says so when the page is up
        if server.poll() is not None:
            raise AssertionError(f"qa serve exited: {log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            raise TimeoutError(log.read_text()[-3000:])
        time.sleep(0.5)
    return Client(f"http://127.0.0.1:{port}/", verbose=False, download_files=False)


def test_readers_never_wait_for_the_write_lock(tmp_path: Path, embedder) -> None:
    from index.loaders import load_inputs

    index = ArticleIndex(tmp_path / "data", embedder)
    (record,) = fixture_records(46, 47)
    source = write_jsonl(tmp_path / "one.jsonl", [record])
    assert index.ingest(load_inputs([str(source)])).added == 1
    query = record["title"]
    answers: list[object] = []

    def search() -> None:
        index.refresh()
        answers.append(index.catalog.lexical_search(query, 5, Filters()))
        answers.append(index.store.query(embedder.embed_query(query), 3))
        answers.append(index.catalog.list_articles())

    def search_while_another_writer_holds_the_lock() -> None:
        reader = threading.Thread(target=search)
        reader.start()
        reader.join(120)
        assert not reader.is_alive(), "a reader waited for the write lock"

    FolderLock(tmp_path / "data").run(search_while_another_writer_holds_the_lock)
    assert len(answers) == 3 and all(answers)
    index.close()


def test_reindex_catches_up_with_writes_made_while_it_builds(tmp_path: Path, embedder) -> None:
    """Another process adds and deletes articles while `qa reindex` is embedding: the switched-in
    index holds exactly the articles the live one held at the switch."""
    from index.loaders import load_inputs

    data = tmp_path / "data"
    base = write_jsonl(tmp_path / "base.jsonl", short_records(0, 4))
    added = write_jsonl(tmp_path / "added.jsonl", short_records(4, 6))
    index = ArticleIndex(data, embedder)
    assert index.ingest(load_inputs([str(base)])).added == 4
    doomed = sorted(articles_state(data))[0]
    real_embed = index.embed
    writes: list[int] = []

    def embed_while_another_process_writes(batch):  # noqa: ANN001, ANN202
        if not writes:  # the reindex holds no lock while it embeds: others may write
            writes.append(run("ingest", str(added), data_dir=data).returncode)
            writes.append(run("delete", doomed, data_dir=data).returncode)
        return real_embed(batch)

    index.embed = embed_while_another_process_writes
    report = index.reindex()
    assert writes == [0, 0] and not report.failed
    new_ids = {a.id for a in load_inputs([str(added)])}
    base_ids = {a.id for a in load_inputs([str(base)])}
    assert set(articles_state(data)) == (base_ids - {doomed}) | new_ids
    assert report.added == 5
    found = diagnose(index)
    assert found.ok and found.articles == 5, found.problems
    assert all_chunk_ids(index) == dense_findable(index)
    assert index.store.name == "articles" and "collection" not in index.catalog.get_meta()
    index.close()


def test_an_update_committed_while_embedding_is_refused_without_allow_updates(
    tmp_path: Path, embedder
) -> None:
    """The refusal is checked again under the lock: another writer may have stored the article
    (with other text) while this one was embedding its copy."""
    from index.indexer import UPDATE_REFUSED
    from index.models import build_article

    data = tmp_path / "data"
    visitor, operator = ArticleIndex(data, embedder), ArticleIndex(data, embedder)
    url = "https://harbour.example/2025/bridge"
    mine = build_article(text="The bridge reopened on Monday after repairs.", title="B", url=url)
    theirs = build_article(text="The bridge stays closed until June, the city said.", title="B",
                           url=url)  # fmt: skip
    real_embed = visitor.embed
    meanwhile: list[int] = []

    def embed_while_the_operator_ingests(batch):  # noqa: ANN001, ANN202
        if not meanwhile:
            meanwhile.append(operator.ingest([theirs]).added)
        return real_embed(batch)

    visitor.embed = embed_while_the_operator_ingests
    report = visitor.ingest([mine], allow_updates=False)
    assert meanwhile == [1]
    assert (report.added, report.updated) == (0, 0)
    assert [f.reason for f in report.failed] == [UPDATE_REFUSED]
    assert visitor.catalog.get(mine.id).article.text == theirs.text
    assert diagnose(visitor).ok
    visitor.close()
    operator.close()


def test_a_writer_that_waits_too_long_is_told_who_holds_the_index(tmp_path: Path) -> None:
    import os
    import sys

    from index.lock import IndexBusyError

    data = tmp_path / "data"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(data)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        lines: list[str] = []
        waiting = FolderLock(data, on_wait=lines.append)
        with pytest.raises(IndexBusyError) as busy:
            waiting.run(lambda: None, timeout=0.5)
    finally:
        holder.kill()
        holder.wait(30)
    assert lines == [
        f"waiting for pid {holder.pid} (python -c {data}), since {lines[0].split('since ')[1]}"
    ]
    message = str(busy.value)
    assert message.startswith(f"the index in {data} is busy: pid {holder.pid} (python -c")
    assert busy.value.public_message() == (
        f"The library is busy: another process (python -c, pid {holder.pid}) is writing to "
        "the index. Try again in a moment."
    )
    assert str(data) not in busy.value.public_message()
    assert waiting.run(lambda: os.getpid()) == os.getpid()  # free again once the holder is gone


HOLD_LOCK = """
import sys, time
from index.lock import FolderLock
def hold():
    print("held", flush=True)
    time.sleep(600)
FolderLock(sys.argv[1]).run(hold)
"""

"""`kill -9` during `qa ingest` and `qa reindex`, at each named point and at a random moment.

The live index must stay whole (the old one before a reindex's switch, the new one after it), a
rerun must complete, `qa doctor` must then be clean and no article may be lost. The processes are
the real `qa` entry point; the kill is a real SIGKILL (QA_TEST_CRASH_AT makes the process kill
itself at a named point).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from index.crashpoints import POINTS
from index.doctor import diagnose
from index.indexer import ArticleIndex
from index.loaders import load_inputs
from index.store import collection_names
from qa.retrieve import Retriever
from tests.index_support import (
    all_chunk_ids,
    articles_state,
    dense_findable,
    qa_command,
    qa_env,
    run,
    short_records,
    write_jsonl,
)

pytestmark = pytest.mark.slow

BASE = short_records(0, 6)  # the index every test starts from
EXTRA = short_records(6, 10)
MORE = short_records(10, 40)
TAIWAN_QUESTION = "Why did Tsai Ing-wen resign as leader of the Democratic Progressive Party?"


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """A data folder holding BASE, built once."""
    data = tmp_path_factory.mktemp("crash-base") / "data"
    source = write_jsonl(data.parent / "base.jsonl", BASE)
    index = ArticleIndex(data, embedder)
    assert index.ingest(load_inputs([str(source)])).added == len(BASE)
    index.close()
    return data


@pytest.fixture
def data_dir(base_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the base index."""
    target = tmp_path / "data"
    shutil.copytree(base_dir, target)
    return target


def ids_of(records: list[dict]) -> set[str]:
    """The article ids the loader gives these records."""
    return {a.id for a in load_inputs(["-"], stdin=_jsonl(records)) if hasattr(a, "id")}


def _jsonl(records: list[dict]):  # noqa: ANN202
    import io

    return io.StringIO("".join(json.dumps(r) + "\n" for r in records))


def assert_whole(data: Path, embedder, expected: dict[str, str] | set[str]) -> None:
    """`qa doctor` finds nothing, every chunk is findable by its vector, the articles are these."""
    index = ArticleIndex(data, embedder)
    try:
        found = diagnose(index)
        assert found.ok, found.problems
        state = articles_state(data)
        if isinstance(expected, dict):
            assert state == expected
        else:
            assert set(state) == expected
        assert all_chunk_ids(index) == dense_findable(index)
        assert index.catalog.garbage() == []
    finally:
        index.close()


def changed_first_article() -> dict:
    """BASE[0] with a new closing paragraph (so the batch also updates an article)."""
    record = dict(BASE[0])
    record["text"] += "\n\nThe party said on Monday that a new chair would be elected in January."
    return record


def test_ingest_killed_at_each_named_point(data_dir: Path, tmp_path: Path, embedder) -> None:
    """Killed at one point, then killed again at the next while rerunning, and so on: each time
    the catalog is exactly what it was; the last rerun completes."""
    before = articles_state(data_dir)
    batch = write_jsonl(tmp_path / "batch.jsonl", [changed_first_article(), *EXTRA])
    for point in ("after_announce", "after_upsert", "before_commit"):
        crashed = run("ingest", str(batch), data_dir=data_dir, QA_TEST_CRASH_AT=point)
        assert crashed.returncode == -9, (point, crashed.stderr[-2000:])
        # The batch was never committed: the catalog is exactly what it was, old version included.
        assert articles_state(data_dir) == before, point
        index = ArticleIndex(data_dir, embedder)
        hits = Retriever(index).search("a new chair would be elected in January", k=5)
        assert all("new chair" not in p.text for p in hits.passages), point
        problems = {p.kind for p in diagnose(index).problems}
        assert problems <= {"orphan_vector"}, (point, problems)  # swept by the next write
        index.close()

    rerun = run("ingest", str(batch), "--json", data_dir=data_dir)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    report = json.loads(rerun.stdout)
    assert (report["added"], report["updated"]) == (len(EXTRA), 1)
    assert_whole(data_dir, embedder, set(before) | ids_of(EXTRA))
    assert_doctor_clean(data_dir)


def test_parse_only_killed_before_its_commit(data_dir: Path, embedder) -> None:
    """`qa reindex --parse-only` on an index without parses (as 0.2.0 built them), killed inside
    its write: no parse is half stored, nothing else changed; a rerun parses every article."""
    before = articles_state(data_dir)
    db = sqlite3.connect(data_dir / "articles.sqlite")
    with db:
        db.execute("DELETE FROM parses")
    db.close()

    def unparsed() -> list[str]:
        index = ArticleIndex(data_dir, embedder)
        try:
            return index.unparsed()
        finally:
            index.close()

    missing = unparsed()
    assert len(missing) == len(BASE)
    crashed = run(
        "reindex", "--parse-only", data_dir=data_dir, QA_TEST_CRASH_AT="before_parse_commit"
    )
    assert crashed.returncode == -9, crashed.stderr[-2000:]
    assert unparsed() == missing and articles_state(data_dir) == before

    rerun = run("reindex", "--parse-only", data_dir=data_dir)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert unparsed() == [] and articles_state(data_dir) == before
    assert_doctor_clean(data_dir)


def test_ingest_killed_at_a_random_moment(data_dir: Path, tmp_path: Path, embedder) -> None:
    seed = time.time_ns()
    delay = random.Random(seed).uniform(1.0, 25.0)
    before = articles_state(data_dir)
    batch = write_jsonl(tmp_path / "more.jsonl", MORE)
    proc = subprocess.Popen(
        qa_command("ingest", str(batch)),
        env=qa_env(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    proc.kill()
    proc.wait(timeout=60)
    state = articles_state(data_dir)
    assert before.items() <= state.items(), f"seed {seed}, killed after {delay:.1f} s"
    index = ArticleIndex(data_dir, embedder)
    problems = {p.kind for p in diagnose(index).problems}
    index.close()
    assert problems <= {"orphan_vector"}, f"{problems}: seed {seed}, killed after {delay:.1f} s"

    rerun = run("ingest", str(batch), data_dir=data_dir)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert_whole(data_dir, embedder, set(before) | ids_of(MORE))


def test_reindex_killed_at_each_named_point(data_dir: Path, embedder) -> None:
    """Killed at each point in turn (each rerun is killed at the next one): the live index stays
    whole and usable throughout; the last rerun finishes with the layout as before."""
    before = articles_state(data_dir)
    for point in POINTS:
        crashed = run("reindex", data_dir=data_dir, QA_TEST_CRASH_AT=point)
        assert crashed.returncode == -9, (point, crashed.stderr[-2000:])
        assert_still_usable(data_dir, embedder, before, switched=point == "after_switch")

    rerun = run("reindex", data_dir=data_dir)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert rerun.stdout.startswith("finished an interrupted reindex"), rerun.stdout
    assert_layout_as_before(data_dir)
    assert_whole(data_dir, embedder, before)
    again = run("reindex", data_dir=data_dir)
    assert again.returncode == 0 and again.stdout.startswith("reindexed 6 articles"), again.stdout
    assert_layout_as_before(data_dir)
    assert_whole(data_dir, embedder, before)
    assert_doctor_clean(data_dir)


def test_reindex_killed_at_a_random_moment(data_dir: Path, embedder) -> None:
    seed = time.time_ns()
    delay = random.Random(seed).uniform(1.0, 15.0)
    before = articles_state(data_dir)
    proc = subprocess.Popen(
        qa_command("reindex"),
        env=qa_env(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    proc.kill()
    proc.wait(timeout=60)
    assert_still_usable(data_dir, embedder, before, switched=None)
    rerun = run("reindex", data_dir=data_dir)
    assert rerun.returncode == 0, f"seed {seed}, {delay:.1f} s: {rerun.stderr[-2000:]}"
    assert_layout_as_before(data_dir)
    assert_whole(data_dir, embedder, before)


def assert_still_usable(
    data: Path, embedder, before: dict[str, str], switched: bool | None
) -> None:
    """Every article is there and answers come from it; `qa doctor` at most asks to finish an
    interrupted switch (`switched` None: either may have happened)."""
    assert articles_state(data) == before
    index = ArticleIndex(data, embedder)
    try:
        passages = Retriever(index).search(TAIWAN_QUESTION, k=3).passages
        assert passages and "Tsai" in passages[0].text
        assert all_chunk_ids(index) == dense_findable(index)
        problems = [p for p in diagnose(index).problems]
        kinds = {p.kind for p in problems}
        if switched is None:
            assert kinds <= {"build_mismatch"}, problems
        else:
            assert kinds == ({"build_mismatch"} if switched else set()), problems
    finally:
        index.close()


def assert_doctor_clean(data: Path) -> None:
    """The real `qa doctor --json` says ok."""
    doctor = run("doctor", "--json", data_dir=data)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert json.loads(doctor.stdout)["ok"] is True


def assert_layout_as_before(data: Path) -> None:
    """`articles.sqlite` and `chroma/` with one collection, `articles`; nothing of `.next`."""
    names = sorted(n for n in os.listdir(data) if not n.startswith("."))
    assert names == ["articles.sqlite", "chroma"], names
    from index.store import chroma_client

    assert collection_names(chroma_client(data)) == {"articles"}

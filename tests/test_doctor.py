"""`qa doctor` finds each kind of damage made by hand, and `--repair` fixes what can be fixed."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from index.doctor import KINDS, diagnose, quick_check
from index.indexer import ArticleIndex
from index.loaders import load_inputs
from index.lock import FolderLock
from index.repair import repair
from qa.retrieve import Retriever
from tests.index_support import all_chunk_ids, dense_findable, run, short_records, write_jsonl

RECORDS = short_records(0, 6)
STRAY = "ffffffffffffffff-00000000-0000"  # a chunk id of an article that does not exist


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """A healthy index of six articles, built once."""
    data = tmp_path_factory.mktemp("doctor-base") / "data"
    source = write_jsonl(data.parent / "base.jsonl", RECORDS)
    index = ArticleIndex(data, embedder)
    assert index.ingest(load_inputs([str(source)])).added == len(RECORDS)
    index.close()
    return data


@pytest.fixture
def index(base_dir: Path, tmp_path: Path, embedder):  # noqa: ANN201
    """A private copy of the healthy index, opened."""
    data = tmp_path / "data"
    shutil.copytree(base_dir, data)
    opened = ArticleIndex(data, embedder)
    yield opened
    opened.close()


def article_ids(index: ArticleIndex) -> list[str]:
    return sorted(r["id"] for r in index.catalog.list_articles())


def chunk_of(index: ArticleIndex, n: int) -> tuple[str, str]:
    """(article id, first chunk id) of the n-th article."""
    article_id = article_ids(index)[n]
    return article_id, sorted(index.catalog.chunk_ids_of(article_id))[0]


def execute(index: ArticleIndex, sql: str, *params: object) -> None:
    with index.catalog.transaction() as db:
        db.execute(sql, params)


# Each damage takes the index and the article number it damages, and returns that article's id.
def delete_a_vector(index: ArticleIndex, n: int) -> str:
    article_id, chunk_id = chunk_of(index, n)
    index.store.delete([chunk_id])
    return article_id


def add_an_orphan_vector(index: ArticleIndex, n: int) -> str:
    article_id, chunk_id = chunk_of(index, n)
    vector = index.store.collection.get(ids=[chunk_id], include=["embeddings"])["embeddings"][0]
    orphan = f"{article_id}-0badc0de-0007"  # looks like one of its chunks, but is not
    index.store.collection.upsert(ids=[orphan], embeddings=[list(vector)], documents=["stale"])
    return article_id


def delete_an_fts_row(index: ArticleIndex, n: int) -> str:
    article_id, chunk_id = chunk_of(index, n)
    execute(
        index,
        "DELETE FROM chunks_fts WHERE rowid = (SELECT rowid FROM chunks WHERE id = ?)",
        chunk_id,
    )
    return article_id


def add_an_orphan_fts_row(index: ArticleIndex, n: int) -> str:
    execute(index, "INSERT INTO chunks_fts (rowid, title, body) VALUES (987654, 't', 'stray row')")
    return ""


def add_an_orphan_chunk(index: ArticleIndex, n: int) -> str:
    execute(
        index,
        'INSERT INTO chunks (id, article_id, idx, start, "end") VALUES (?, ?, 0, 0, 10)',
        STRAY,
        STRAY.split("-")[0],
    )
    return STRAY.split("-")[0]


def shift_offsets(index: ArticleIndex, n: int) -> str:
    article_id, chunk_id = chunk_of(index, n)
    execute(index, 'UPDATE chunks SET start = start + 7, "end" = "end" + 7 WHERE id = ?', chunk_id)
    return article_id


def miscount_chunks(index: ArticleIndex, n: int) -> str:
    article_id = article_ids(index)[n]
    execute(index, "UPDATE articles SET chunk_count = chunk_count + 2 WHERE id = ?", article_id)
    return article_id


DAMAGE: dict[str, Callable[[ArticleIndex, int], str]] = {
    "missing_vector": delete_a_vector,
    "orphan_vector": add_an_orphan_vector,
    "missing_fts": delete_an_fts_row,
    "orphan_fts": add_an_orphan_fts_row,
    "orphan_chunk": add_an_orphan_chunk,
    "bad_offsets": shift_offsets,
    "count_mismatch": miscount_chunks,
}


def test_a_healthy_index_is_ok(index: ArticleIndex) -> None:
    found = diagnose(index)
    assert found.ok and found.problems == []
    assert found.articles == len(RECORDS) and found.chunks == found.vectors > len(RECORDS)
    assert found.to_json() == {
        "ok": True,
        "articles": found.articles,
        "chunks": found.chunks,
        "vectors": found.vectors,
        "problems": [],
    }
    assert quick_check(index) == []


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_each_kind_is_found_and_repaired(kind: str, index: ArticleIndex, embedder) -> None:
    damaged = DAMAGE[kind](index, 2)
    found = diagnose(index)
    hits = [p for p in found.problems if p.kind == kind]
    assert hits, found.problems
    if damaged:
        assert {p.article_id for p in hits} == {damaged}
    assert all(p.detail for p in hits)
    assert quick_check(index) or kind in ("bad_offsets", "orphan_vector"), "serve warns too"

    said: list[str] = []
    after = repair(index, said.append)
    assert after.ok, (after.problems, said)
    assert said and len(said) == len(set(said))
    assert all_chunk_ids(index) == dense_findable(index)
    article = index.catalog.get(article_ids(index)[2]).article
    passages = Retriever(index).search(article.title, k=5).passages
    assert any(p.article_id == article.id for p in passages)
    for p in passages:  # offsets point at the text again
        article = index.catalog.get(p.article_id).article
        assert article.text[p.start : p.end] == p.text


def test_build_mismatch_is_found_and_not_repaired(index: ArticleIndex) -> None:
    index.store.record_meta({"chunker": "sent-v0-100-10"})
    found = diagnose(index)
    assert [p.kind for p in found.problems] == ["build_mismatch"]
    assert "run `qa reindex`" in found.problems[0].detail
    said: list[str] = []
    assert not repair(index, said.append).ok
    assert said == [f"not repaired: build_mismatch: {found.problems[0].detail}"]


def test_an_interrupted_reindex_switch_is_finished_by_repair(index: ArticleIndex) -> None:
    index.store.collection.modify(name="articles__next")  # the state right after the switch
    index.catalog.set_meta({"collection": "articles__next"})
    index.refresh()
    found = diagnose(index)
    assert [p.kind for p in found.problems] == ["build_mismatch"]
    said: list[str] = []
    assert repair(index, said.append).ok
    assert said == ["finished an interrupted reindex: 'articles__next' is now 'articles'"]
    assert "collection" not in index.catalog.get_meta()


def test_a_write_in_progress_elsewhere_is_pending_not_a_problem(index: ArticleIndex) -> None:
    # What a writer has done between announcing its chunk ids and committing them:
    new_id = f"{article_ids(index)[0]}-12345678-0000"
    vector = [0.0] * 383 + [1.0]
    execute(index, "INSERT INTO garbage VALUES (?)", new_id)
    index.store.collection.upsert(ids=[new_id], embeddings=[vector], documents=["new"])
    seen = []
    FolderLock(index.data_dir).run(lambda: seen.append(diagnose(index)))  # another writer
    assert seen[0].ok and seen[0].pending == 1, seen[0].problems
    alone = diagnose(index)  # the writer is gone: what it left is an orphan
    assert [p.kind for p in alone.problems] == ["orphan_vector"]
    assert "left by an interrupted write" in alone.problems[0].detail


def test_cli_doctor_json_and_repair_with_every_kind_at_once(index: ArticleIndex) -> None:
    per_article = [k for k in sorted(DAMAGE) if k not in ("orphan_fts", "orphan_chunk")]
    damaged = {
        kind: DAMAGE[kind](index, per_article.index(kind) if kind in per_article else 0)
        for kind in sorted(DAMAGE)
    }
    data = index.data_dir
    index.close()
    checked = run("doctor", "--json", data_dir=data)
    assert checked.returncode == 1, checked.stderr
    report = json.loads(checked.stdout)
    assert set(report) == {"ok", "articles", "chunks", "vectors", "problems"}
    assert report["ok"] is False and report["articles"] == len(RECORDS)
    assert all(set(p) == {"kind", "article_id", "detail"} for p in report["problems"])
    assert {p["kind"] for p in report["problems"]} >= set(DAMAGE)
    assert {p["kind"] for p in report["problems"]} <= set(KINDS)
    for kind, article_id in damaged.items():
        if article_id:
            assert {"kind": kind, "article_id": article_id} in [
                {"kind": p["kind"], "article_id": p["article_id"]} for p in report["problems"]
            ]

    repaired = run("doctor", "--repair", data_dir=data)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    lines = repaired.stdout.splitlines()
    for fragment in (
        "orphan_vector: deleted 1 vector(s) of article",
        "orphan_fts: deleted 1 FTS row(s)",
        "orphan_chunk: deleted 1 chunk row(s) of article ffffffffffffffff",
        "re-embedded article",
    ):
        assert any(line.startswith(fragment) for line in lines), (fragment, lines)
    assert lines[-1].startswith(f"ok: {len(RECORDS)} articles")
    again = run("doctor", data_dir=data)
    assert again.returncode == 0 and again.stdout.startswith("ok: "), again.stdout


def test_a_damaged_catalog_is_reported_and_never_repaired(index: ArticleIndex) -> None:
    data = index.data_dir
    index.close()
    catalog = data / "articles.sqlite"
    raw = bytearray(catalog.read_bytes())
    page = 4096
    raw[2 * page : 5 * page] = bytes((i * 37 + 11) % 251 for i in range(3 * page))
    catalog.write_bytes(bytes(raw))
    digest = hashlib.sha256(catalog.read_bytes()).hexdigest()
    for args in (("doctor",), ("doctor", "--repair"), ("doctor", "--json")):
        result = run(*args, data_dir=data)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert f"the catalog {catalog} is damaged" in result.stderr
        assert "restore it from a backup" in result.stderr and "re-ingest" in result.stderr
        assert "Traceback" not in result.stderr
    assert json.loads(result.stdout)["problems"][0]["kind"] == "sqlite_integrity"
    assert hashlib.sha256(catalog.read_bytes()).hexdigest() == digest, "never repaired"


def test_no_data_folder_is_nothing_indexed_and_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = run("doctor", "--json", data_dir=missing)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip() == (
        f"error: no articles indexed in {missing}: add some with `qa ingest PATH` "
        "(or the Library tab)"
    )
    assert not missing.exists()


def test_serve_start_up_check_warns_and_points_to_repair(index: ArticleIndex, capsys) -> None:
    from qa.cli_doctor import warn_if_inconsistent

    warn_if_inconsistent(index)
    assert capsys.readouterr().err == ""
    delete_a_vector(index, 0)
    warn_if_inconsistent(index)
    err = capsys.readouterr().err
    assert err.startswith(f"warning: the index in {index.data_dir} looks inconsistent")
    assert err.rstrip().endswith("run `qa doctor --repair`")

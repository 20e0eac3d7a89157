"""The `qa` CLI through its real entry point: JSON shapes, exit codes, bad input."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SAMPLE, run_qa


def write_batch(folder: Path) -> Path:
    folder.mkdir()
    (folder / "good.md").write_text(
        "---\ntitle: Harbor bridge reopens\nurl: https://news.example.org/bridge\n"
        "author: Ana Lin\npublished_at: 2025-03-04\n---\n"
        "The harbor bridge reopened on Tuesday after 14 months of repairs costing $80 million.\n",
        encoding="utf-8",
    )
    (folder / "feed.jsonl").write_text(
        '{"title": "Snow closes schools", "text": "Heavy snow closed 40 schools in Oslo.", '
        '"url": "https://www.example.no/snow", "date": "2025-02-01"}\n'
        "{not json\n"
        '{"title": "No body here"}\n',
        encoding="utf-8",
    )
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    return folder


def test_ingest_reports_every_bad_input_and_indexes_the_rest(tmp_path) -> None:
    data = tmp_path / "data"
    batch = write_batch(tmp_path / "batch")
    result = run_qa(
        "ingest", str(batch), str(tmp_path / "missing.txt"), "--json", data_dir=data, check=False
    )
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert (report["added"], report["updated"], report["unchanged"]) == (2, 0, 0)
    assert report["chunks"] >= 2 and report["seconds"] >= 0
    failed = {(Path(f["path"]).name, f["line"]): f["reason"] for f in report["failed"]}
    assert set(failed) == {
        ("feed.jsonl", 2),
        ("feed.jsonl", 3),
        ("empty.txt", None),
        ("binary.txt", None),
        ("missing.txt", None),
    }
    assert "no such file" in failed[("missing.txt", None)]
    assert "added 2, updated 0, unchanged 0, failed 5" in result.stderr

    again = json.loads(run_qa("ingest", str(batch / "good.md"), "--json", data_dir=data).stdout)
    assert (again["added"], again["unchanged"], again["chunks"]) == (0, 1, 0)

    rows = json.loads(run_qa("list", "--json", data_dir=data).stdout)
    assert [r["title"] for r in rows] == ["Harbor bridge reopens", "Snow closes schools"]
    assert set(rows[0]) == {
        "id",
        "title",
        "outlet",
        "url",
        "published_at",
        "chunks",
        "title_source",
        "published_at_source",
    }
    assert rows[1]["outlet"] == "example.no"

    shown = json.loads(run_qa("show", rows[0]["id"][:8], "--json", data_dir=data).stdout)
    assert shown["author"] == "Ana Lin" and shown["text"].startswith("The harbor bridge reopened")
    assert shown["published_at"] == "2025-03-04" and shown["outlet"] == "news.example.org"

    assert run_qa("delete", rows[1]["id"], data_dir=data).stdout == "deleted 1 article\n"
    assert len(json.loads(run_qa("list", "--json", data_dir=data).stdout)) == 1
    missing = run_qa("show", "ffffffff", data_dir=data, check=False)
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr == "error: no article with id 'ffffffff' (see `qa list`)\n"


def test_data_dir_option_stdin_and_info(tmp_path) -> None:
    data = tmp_path / "elsewhere"
    line = json.dumps({"title": "Piped", "body": "Text that came from stdin today.", "link": ""})
    report = json.loads(
        run_qa(
            "ingest",
            "-",
            "--json",
            "--data-dir",
            str(data),
            data_dir=tmp_path / "unused",
            stdin=line + "\n",
        ).stdout
    )
    assert report["added"] == 1
    info = json.loads(run_qa("info", "--json", "--data-dir", str(data), data_dir=tmp_path).stdout)
    assert info["data_dir"] == str(data) and info["articles"] == 1
    assert info["embedding_model"] == "all-MiniLM-L6-v2" and info["dimension"] == 384
    assert info["embedding_backend"] == "onnx" and info["chunks"] == 1
    assert all(isinstance(info[key], int) for key in ("articles", "chunks", "dimension"))
    plain = run_qa("info", "--data-dir", str(data), data_dir=tmp_path).stdout
    assert f"data_dir: {data}" in plain and "holds: 1 article, 1 chunk\n" in plain
    listed = run_qa("list", "--data-dir", str(data), data_dir=tmp_path).stdout
    assert "1 article" in listed and "1 articles" not in listed


def test_mismatched_chunker_is_refused_with_a_pointer_to_reindex(tmp_path, monkeypatch) -> None:
    data = tmp_path / "data"
    run_qa("ingest", str(SAMPLE), data_dir=data)
    monkeypatch.setenv("QA_CHUNK_TOKENS", "120")
    refused = run_qa("ingest", str(SAMPLE), data_dir=data, check=False)
    assert refused.returncode == 2 and "qa reindex" in refused.stderr
    run_qa("reindex", data_dir=data)
    assert json.loads(run_qa("list", "--json", data_dir=data).stdout)[0]["chunks"] > 5


def test_help_lists_the_commands() -> None:
    from typer.testing import CliRunner

    from qa.cli import app

    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("ingest", "list", "show", "delete", "info", "reindex", "ask", "--version"):
        assert command in result.output

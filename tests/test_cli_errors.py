"""Exit codes and one-line errors of the real `qa` entry point: 0 ok, 1 failure, 2 usage."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO, run_qa

QUESTION = "What did Putin say about trade?"
READ_ONLY = [["ask", QUESTION], ["list"], ["show", "abc123"], ["info"]]


def one_error_line(result, code: int) -> str:  # noqa: ANN001
    """The command failed with `code`, wrote nothing on stdout and one line on stderr."""
    assert result.returncode == code, (result.returncode, result.stderr)
    assert result.stdout == "", result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def empty_message(folder: Path) -> str:
    return (
        f"error: no articles indexed in {folder}: add some with `qa ingest PATH` "
        "(or the Library tab)"
    )


def test_version_is_the_one_in_pyproject() -> None:
    from qa.version import version

    with (REPO / "pyproject.toml").open("rb") as handle:
        written = tomllib.load(handle)["project"]["version"]
    result = run_qa("--version", data_dir=REPO / "unused")
    assert result.stdout == f"article-qa {written}\n" and result.returncode == 0
    assert version() == written


@pytest.mark.parametrize("as_json", [False, True])
def test_read_only_commands_never_create_the_data_folder(tmp_path, as_json) -> None:
    missing = tmp_path / "nowhere" / "data"
    for args in READ_ONLY:
        result = run_qa(*args, *(["--json"] if as_json else []), data_dir=missing, check=False)
        assert one_error_line(result, 1) == empty_message(missing), args
    assert not missing.parent.exists(), "a read-only command created the data folder"


def test_an_empty_index_is_an_error_not_an_answer(tmp_path) -> None:
    from index.catalog import Catalog

    folder = tmp_path / "empty"
    Catalog(folder / "articles.sqlite").close()  # an index whose articles were all deleted
    for args in [*READ_ONLY, ["delete", "abc123"]]:
        result = run_qa(*args, data_dir=folder, check=False)
        assert one_error_line(result, 1) == empty_message(folder), args


def test_usage_errors_exit_2_with_one_line(tmp_path, monkeypatch, built_index) -> None:
    cases = [  # (arguments, part of the message, whether click itself refused them)
        (["ask", QUESTION, "--nope"], "No such option: --nope", True),
        (["ask", QUESTION, "--k", "many"], "'--k'", True),
        (["frobnicate"], "No such command", True),
        (
            ["ask", QUESTION, "--k", "0"],
            "invalid --k 0: Input should be greater than or equal",
            False,
        ),
        (["ask", QUESTION, "--since", "someday"], "not a date: 'someday' (use YYYY-MM-DD)", False),
        (["ask", QUESTION, "--backend", "gpt9"], "unknown backend 'gpt9'", False),
    ]
    for args, expected, by_click in cases:
        line = one_error_line(run_qa(*args, "--json", data_dir=built_index, check=False), 2)
        assert expected in line, (args, line)
        assert line.endswith("--help`)") == by_click, line
    monkeypatch.setenv("QA_TOP_K", "lots")
    monkeypatch.setenv("QA_LLM_API_KEY", "sk-not-shown")
    line = one_error_line(run_qa("list", data_dir=built_index, check=False), 2)
    assert line.startswith("error: invalid QA_TOP_K='lots': Input should be a valid integer")
    assert "fix or unset it" in line


def test_data_dir_that_is_a_file(tmp_path) -> None:
    afile = tmp_path / "notes.txt"
    afile.write_text("not a folder", encoding="utf-8")
    expected = (
        f"error: the data folder {afile} is a file, not a folder: point QA_DATA_DIR or "
        "--data-dir at a folder"
    )
    for args in (["list"], ["info", "--json"], ["ingest", str(afile)]):
        assert one_error_line(run_qa(*args, data_dir=afile, check=False), 1) == expected
    inside = one_error_line(run_qa("ingest", str(afile), data_dir=afile / "sub", check=False), 1)
    assert inside.startswith(f"error: {afile / 'sub'}: Not a directory (a part of this path")


@pytest.mark.parametrize("damage", ["garbage", "overwritten pages"])
def test_a_damaged_catalog_names_the_file_and_the_fix(tmp_path, damage) -> None:
    from index.catalog import Catalog

    folder = tmp_path / "data"
    catalog = folder / "articles.sqlite"
    if damage == "garbage":
        folder.mkdir()
        catalog.write_bytes(bytes(range(256)) * 40)
    else:
        db = Catalog(catalog)
        with db.transaction() as tx:
            tx.execute("INSERT INTO meta VALUES ('filler', ?)", ("x" * 20000,))
        db.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        data = bytearray(catalog.read_bytes())
        data[4096:] = b"\x55" * (len(data) - 4096)
        catalog.write_bytes(bytes(data))
    for args in (["list"], ["ask", QUESTION, "--json"], ["ingest", str(REPO / "samples")]):
        line = one_error_line(run_qa(*args, data_dir=folder, check=False), 1)
        assert line.startswith(f"error: the catalog {catalog} is damaged ("), line
        assert "restore it from a backup" in line and "`qa doctor`" in line


def test_ask_json_writes_only_json_and_a_too_long_question_is_refused(
    built_index, monkeypatch
) -> None:
    result = run_qa("ask", QUESTION, "--json", data_dir=built_index)
    assert result.stderr == "" and json.loads(result.stdout)["citations"]

    long_question = (QUESTION + " ") * 40
    line = one_error_line(run_qa("ask", long_question, data_dir=built_index, check=False), 1)
    assert line == (
        f"error: the question is {len(long_question.strip()):,} characters long; the limit is "
        "1,000 (QA_MAX_QUESTION_CHARS): shorten it"
    )
    monkeypatch.setenv("QA_MAX_QUESTION_CHARS", "5000")
    allowed = json.loads(run_qa("ask", long_question, "--json", data_dir=built_index).stdout)
    assert not allowed["refused"] and "trading partner" in allowed["answer"]

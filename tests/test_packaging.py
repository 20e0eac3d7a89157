"""The four top-level packages come from this repo; the wheel ships prompts but not tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import jinja2
import pytest

from qa.prompting import TEMPLATES, render, template_source
from tests.conftest import REPO


@pytest.mark.parametrize("name", ["qa", "index", "ui", "prompts"])
def test_each_package_imports_from_this_repo(name: str) -> None:
    module = __import__(name)
    assert module.__file__ and module.__file__.startswith(str(REPO / name))


def test_wheel_ships_prompts_and_not_tests(tmp_path) -> None:
    # Build from a copy: setuptools writes build/ and *.egg-info into the source tree.
    source = tmp_path / "source"
    skip = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache")
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(*skip))
    assert (source / "tests" / "conftest.py").exists()  # the wheel must leave them out itself
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("article_qa-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {f"prompts/{t}.j2" for t in TEMPLATES} <= set(names)
    assert "qa/cli.py" in names and "index/indexer.py" in names and "ui/app.py" in names
    assert not any(n.startswith("tests/") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "qa = qa.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_every_prompt_renders_and_a_missing_variable_is_an_error() -> None:
    passage = {"n": 1, "title": "T", "outlet": None, "published_at": "2025-01-21", "text": "x"}
    variables = {
        "system": {"max_sentences": 3, "refusal": "No."},
        "answer": {"passages": [passage], "question": "Q?"},
        "rewrite": {"history": [{"role": "user", "content": "a"}], "question": "and b?"},
    }
    assert set(variables) == set(TEMPLATES)
    for name, values in variables.items():
        assert render(name, **values).strip()
        assert template_source(name)
        with pytest.raises(jinja2.UndefinedError):
            render(name)
    answer = render("answer", **variables["answer"])
    assert "[1]" in answer and "unknown outlet" in answer and answer.rstrip().endswith("Answer:")

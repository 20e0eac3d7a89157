"""A small CI run of bench/load.py: sessions ask while articles are added, plus a 1 MB question."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_ui_api import running_app

pytestmark = pytest.mark.slow


def load_script():  # noqa: ANN201
    """bench/load.py as a module (it imports benchlib as a sibling, as when run as a file)."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        spec = importlib.util.spec_from_file_location("bench_load", REPO / "bench" / "load.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(REPO / "bench"))


def test_sessions_ask_while_articles_are_added(built_index: Path, tmp_path: Path) -> None:
    load = load_script()
    data_dir = tmp_path / "copy"
    shutil.copytree(built_index, data_dir)
    with running_app(data_dir) as url:
        result = load.run_load(url, sessions=3, questions=2, adds=2, hostile=1_000_000)
    assert result["errors"] == []
    assert result["asks"] == 6 and result["present"] == 2
    assert result["hostile"]["chars"] == 1_000_000
    assert "Something went wrong" not in result["hostile"]["outcome"]
    table = load.render(result, articles=41)
    assert "| errors | 0 |" in table and "| added articles present at the end | 2/2 |" in table

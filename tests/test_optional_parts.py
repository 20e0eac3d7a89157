"""A missing data folder or optional part skips with its reason, and fails under CI=true, before
any expensive fixture is built (pytest run in a subprocess on a tiny test file)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import REPO, skip_or_fail

CONFTEST = """
from tests.conftest import pytest_runtest_setup  # noqa: F401


def pytest_configure(config):
    for marker in ("data", "browser"):
        config.addinivalue_line("markers", marker)
"""
PROBE = """
import pytest

@pytest.fixture(scope="session")
def built_index():
    raise RuntimeError("the index was built before the check")

@pytest.mark.data("data/realtimeqa/1999-01")
def test_data(built_index):
    pass

@pytest.mark.browser
def test_browser(built_index):
    pass

def test_plain():
    pass
"""


def run_probe(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the probe tests with this repository's conftest hook and `env` on top."""
    (tmp_path / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (tmp_path / "test_probe.py").write_text(textwrap.dedent(PROBE), encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if k != "CI" and not k.startswith("QA_")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-rsE", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env={**clean, "PYTHONPATH": str(REPO), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_parts_skip_with_how_to_get_them(tmp_path: Path) -> None:
    shared = tmp_path / "no-shared"
    done = run_probe(tmp_path, QA_TEST_SHARED=str(shared), QA_TEST_CHROMIUM="/nonexistent/chromium")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed, 2 skipped" in done.stdout
    assert "the index was built" not in done.stdout
    assert f"needs the team's RealTime QA folders in ../shared/data/realtimeqa ({shared}" in (
        done.stdout.replace("\n", "")
    )
    assert "QA_TEST_SHARED" in done.stdout
    assert "no Chromium at /nonexistent/chromium (run `make browser`)" in done.stdout


def test_under_ci_a_missing_part_fails(tmp_path: Path) -> None:
    done = run_probe(
        tmp_path,
        CI="true",
        QA_TEST_SHARED=str(tmp_path / "no-shared"),
        QA_TEST_CHROMIUM="/nonexistent/chromium",
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 passed, 2 errors" in done.stdout
    assert "the index was built" not in done.stdout
    assert done.stdout.count("(required under CI=true)") >= 2


def test_present_data_runs_the_test(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    (shared / "data" / "realtimeqa" / "1999-01").mkdir(parents=True)
    done = run_probe(tmp_path, CI="true", QA_TEST_SHARED=str(shared))
    # The data test now runs and reaches its fixture (which refuses, by design of the probe).
    assert "the index was built before the check" in done.stdout


def test_skip_or_fail_follows_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no widget"):
        skip_or_fail("no widget")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"no widget \(required under CI=true\)"):
        skip_or_fail("no widget")

"""README's example is what `qa ask` really prints over `make run`'s index (samples/ only)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO, run_qa

QUESTION = "What did Putin say about trade?"
EXAMPLE = re.compile(r"```\n\$ qa ask \"(?P<question>[^\"]+)\"\n(?P<output>.*?)```", re.S)


@pytest.fixture(scope="module")
def samples_index(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Path:
    """What `make run` builds: `qa ingest samples/` into an empty data folder."""
    data_dir = tmp_path_factory.mktemp("make-run") / "data"
    run_qa("ingest", str(REPO / "samples"), data_dir=data_dir)
    return data_dir


def test_readme_example_is_the_real_output(samples_index: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    example = EXAMPLE.search(readme)
    assert example and example["question"] == QUESTION, "README's `$ qa ask` example block"
    real = run_qa("ask", QUESTION, data_dir=samples_index).stdout
    assert example["output"] == real, (
        "README's example differs from the real output; replace the block's output with:\n" + real
    )
    assert real.count("\n[1] ") == 1, "each source is listed once"

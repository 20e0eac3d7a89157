"""Named points in the write path where the crash tests kill the process (QA_TEST_CRASH_AT)."""

from __future__ import annotations

import os
import signal

POINTS = ("after_announce", "after_upsert", "before_commit", "before_switch", "after_switch")


def crash_point(name: str) -> None:
    """SIGKILL this process here when QA_TEST_CRASH_AT names this point (tests only)."""
    if os.environ.get("QA_TEST_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)

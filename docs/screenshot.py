"""Regenerate docs/screenshot.png as `make run` shows it: the sample, one answer, a card open.

Needs Chromium at /usr/bin/chromium (`make browser`) and playwright: `python docs/screenshot.py`.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "screenshot.png"
QUESTION = "What did Putin say about trade?"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1"}


def main() -> None:
    """Index samples/ into a fresh folder, serve it, ask, open [1], and take the picture."""
    from playwright.sync_api import sync_playwright

    env = {**os.environ, **OFFLINE, "GRADIO_ANALYTICS_ENABLED": "False"}
    with tempfile.TemporaryDirectory(prefix="qa-shot-") as tmp:
        data = ["--data-dir", str(Path(tmp) / "data")]
        qa = [sys.executable, "-m", "qa"]
        subprocess.run([*qa, "ingest", "samples/", *data], cwd=REPO, env=env, check=True)
        server = subprocess.Popen(
            [*qa, "serve", "--port", "0", *data],
            cwd=REPO,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stderr is not None
            url = next(
                m.group(1) for line in server.stderr if (m := re.search(r"open (\S+)", line))
            )
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                page = browser.new_page(viewport={"width": 1360, "height": 820})
                page.set_default_timeout(120_000)
                page.goto(url, wait_until="load")
                page.get_by_role("button", name=QUESTION).click()
                page.locator("#sources mark.quote").first.wait_for()
                page.locator("#chat a.cite").first.click()
                page.locator("#sources .passage.active").wait_for()
                page.wait_for_timeout(800)  # the smooth scroll and highlight settle
                page.screenshot(path=str(OUT))
                browser.close()
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=60)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

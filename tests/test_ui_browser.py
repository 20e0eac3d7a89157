"""The chat in a real browser (Debian's Chromium via Playwright): citations, escaping, offline."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import CHROMIUM
from tests.test_ui_api import running_app

# `browser`: conftest skips (fails under CI=true) before any fixture when Chromium is missing.
pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TIMEOUT_MS = 90_000
UNTRUSTED = (
    "---\n"
    'title: <script>window.__xss=1</script>Glimmer Harbor <img src=x onerror="window.__xss=2">\n'
    "outlet: <b>Harbor Gazette</b>\n"
    "url: javascript:window.__xss=3\n"
    "published_at: 2025-02-10\n"
    "---\n"
    "The Glimmer Harbor ferry <script>window.__xss=1</script> carried 4,812 passengers on its "
    'first day. <img src=x onerror="window.__xss=2"> The harbor master said the ferry will sail '
    "every 40 minutes. Fares are ${window.__xss=4} crowns {{this}}.\n"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless; Playwright never downloads a browser here."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go: pytest's temp folder, never the work tree."""
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def app_url(browser, built_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One app for the module, over a private copy of the prebuilt index."""
    data_dir = tmp_path_factory.mktemp("ui-browser") / "data"
    shutil.copytree(built_index, data_dir)
    with running_app(data_dir) as url:
        yield url


@pytest.fixture
def page(browser, app_url: str) -> Iterator[object]:
    """A fresh page on the app; afterwards, no request may have left this machine."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    tab = context.new_page()
    tab.goto(app_url, wait_until="load")  # "networkidle" never settles on a Gradio page
    tab.locator("#question textarea").wait_for()
    yield tab
    context.close()
    remote = {
        url
        for url in requests
        if urlsplit(url).scheme not in ("data", "blob")
        and urlsplit(url).hostname not in LOCAL_HOSTS
    }
    assert not remote, f"requests left 127.0.0.1: {sorted(remote)}"


def ask(page, question: str, turns: int) -> None:
    """Type a question, send it, and wait until its sources (turn `turns`) are shown."""
    page.locator("#question textarea").fill(question)
    page.locator("#question textarea").press("Enter")
    page.locator(f"#sources .source-card[id^='src-{turns - 1}-']").first.wait_for()


def test_cited_answer_opens_the_highlighted_quote(page, screenshots: Path) -> None:
    page.get_by_role("button", name="What did Putin say about trade?").click()
    page.locator("#sources mark.quote").first.wait_for()
    answer = page.locator("#chat .message-row").last.inner_text()
    assert "245 billion" in answer and "[1]" in answer

    link = page.locator("#chat a.cite").first
    tooltip = link.get_attribute("title")
    assert tooltip and "Putin and Xi" in tooltip and "“" in tooltip
    link.click()
    card = page.locator(".source-card.active")
    card.wait_for()
    assert card.get_attribute("id") == link.get_attribute("href")[1:]
    marks = card.locator("mark.quote").all_inner_texts()
    quote = tooltip.split("“", 1)[1].rstrip("”…")
    assert any(quote[:60] in m for m in marks), (quote, marks)
    assert "✓ verified quote" in card.inner_text() and "2025-01-21" in card.inner_text()
    page.wait_for_function("el => el.getBoundingClientRect().top >= 0", arg=card.element_handle())

    ask(page, "What about energy?", turns=2)
    follow_up = page.locator("#chat .message-row").last.inner_text()
    assert "nuclear" in follow_up.lower()
    assert page.locator("#sources details.turn").count() == 2
    page.screenshot(path=str(screenshots / "ui.png"))


def test_untrusted_article_is_shown_as_text_and_runs_nothing(
    page, tmp_path: Path, screenshots: Path
) -> None:
    upload = tmp_path / "glimmer.txt"
    upload.write_text(UNTRUSTED, encoding="utf-8")
    page.get_by_role("tab", name="Library").click()
    page.locator("#upload input[type=file]").set_input_files(str(upload))
    page.locator("#upload").get_by_text("glimmer.txt").first.wait_for()
    page.locator("#add-files").click()
    page.wait_for_function(
        "() => document.querySelector('#ingest-status textarea').value.startsWith('added 1,')"
    )

    cell = page.locator("#articles [role=gridcell]").filter(has_text="Glimmer Harbor").first
    assert "<script>window.__xss=1</script>Glimmer Harbor" in cell.inner_text()
    cell.click()
    page.locator("#show").click()
    page.wait_for_function(
        "() => document.querySelector('#article-text textarea').value.includes('4,812')"
    )
    shown = page.locator("#article-text textarea").input_value()
    assert (
        '<img src=x onerror="window.__xss=2">' in shown and "outlet: <b>Harbor Gazette</b>" in shown
    )

    page.get_by_role("tab", name="Ask").click()
    ask(page, "How many passengers did the Glimmer Harbor ferry carry?", turns=1)
    sources = page.locator("#sources").inner_text()
    assert "<script>window.__xss=1</script>Glimmer Harbor" in sources
    assert '<img src=x onerror="window.__xss=2">' in sources
    assert "<b>Harbor Gazette</b>" in sources and "javascript:window.__xss=3" in sources
    assert "${window.__xss=4} crowns {{this}}" in sources  # no template evaluation either
    assert "4,812" in page.locator("#chat .message-row").last.inner_text()
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("img[src='x']").count() == 0
    assert not page.evaluate("[...document.scripts].some(s => s.text.includes('__xss'))")
    assert page.evaluate("window.__xss") is None
    page.screenshot(path=str(screenshots / "ui-untrusted.png"))

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
    page.locator(f"#sources .passage[id^='src-{turns - 1}-']").first.wait_for()


def test_cited_answer_opens_the_highlighted_quote(page, screenshots: Path) -> None:
    page.get_by_role("button", name="What did Putin say about trade?").click()
    page.locator("#sources mark.quote").first.wait_for()
    answer = page.locator("#chat .message-row").last.inner_text()
    assert "trading partner" in answer and "[1]" in answer

    link = page.locator("#chat a.cite").first
    tooltip = link.get_attribute("title")
    assert tooltip and "Putin and Xi" in tooltip and "“" in tooltip
    link.click()
    cited = page.locator("#sources .passage.active")
    cited.wait_for()
    assert cited.get_attribute("id") == link.get_attribute("href")[1:]
    marks = cited.locator("mark.quote").all_inner_texts()
    quote = tooltip.split("“", 1)[1].strip("\u2068\u2069”…")
    assert any(quote[:60] in m for m in marks), (quote, marks)
    card = cited.locator("xpath=ancestor::div[contains(@class, 'source-card')]")
    assert "✓ verified quote" in card.inner_text() and "2025-01-21" in card.inner_text()
    assert page.locator("#sources .source-card").count() == 1  # one article: one card
    page.wait_for_function("el => el.getBoundingClientRect().top >= 0", arg=cited.element_handle())

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
        '<img src=x onerror="window.__xss=2">' in shown
        and "outlet: \u2068<b>Harbor Gazette</b>\u2069" in shown
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


def test_chat_bubbles_are_labelled_with_plain_text(page) -> None:
    ask(page, "What did Putin say about trade?", turns=1)
    page.wait_for_function(
        """() => [...document.querySelectorAll('#chat [aria-label*="s message: "]')]
            .every(el => !el.getAttribute('aria-label').includes('<'))"""
    )
    labels = page.eval_on_selector_all(
        '#chat [aria-label*="s message: "]', "els => els.map(e => e.getAttribute('aria-label'))"
    )
    assert len(labels) >= 2, labels
    assert labels[0].startswith("user's message: What did Putin say about trade?")
    answer = labels[-1]
    assert "trading partner" in answer and "[1]" in answer
    assert "<" not in answer and "class=" not in answer and "bdi" not in answer


def test_question_placeholder_fits_at_800_px(page) -> None:
    page.set_viewport_size({"width": 800, "height": 900})
    box = page.locator("#question textarea")
    box.wait_for()
    page.wait_for_timeout(300)  # let the layout settle at the new width
    needed, room = box.evaluate(
        """el => {
            const style = getComputedStyle(el);
            const ctx = document.createElement('canvas').getContext('2d');
            ctx.font = style.font;
            const room = el.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight);
            return [ctx.measureText(el.placeholder).width, room];
        }"""
    )
    assert 0 < needed <= room, (needed, room)


def test_version_is_shown(page) -> None:
    from qa.version import version

    page.locator("#app-header h1").filter(has_text="Article QA").wait_for()
    assert f"v{version()}" in page.locator("#app-header").inner_text()
    assert f"article-qa v{version()}" in page.locator("#app-footer").inner_text()


def test_pasted_article_result_in_view_form_cleared_and_card_marked(page) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_role("tab", name="Library").click()
    page.get_by_role("tab", name="Paste").click()
    page.locator("#paste-title textarea, #paste-title input").first.fill("Lumen Canal reopens")
    page.locator("#paste-text textarea").fill(
        "The Lumen Canal reopened on Friday after a two-year repair. "
        "Barges can now carry 3,400 tonnes through its nine locks."
    )
    page.locator("#paste-url textarea, #paste-url input").first.fill("https://example.org/lumen")
    page.locator("#paste-date textarea, #paste-date input").first.fill("2025-04-04")
    page.locator("#add-text").click()
    page.wait_for_function(
        "() => document.querySelector('#ingest-status textarea').value.startsWith('added 1,')"
    )
    status = page.locator("#ingest-status")
    page.wait_for_function(
        "el => { const r = el.getBoundingClientRect();"
        " return r.top >= -1 && r.bottom <= window.innerHeight + 1; }",
        arg=status.element_handle(),
    )
    assert page.locator("#paste-text textarea").input_value() == ""
    assert page.locator("#paste-title textarea, #paste-title input").first.input_value() == ""

    page.get_by_role("tab", name="Ask").click()
    ask(page, "How many tonnes can barges carry through the Lumen Canal?", turns=1)
    card = page.locator("#sources .source-card").filter(has_text="Lumen Canal reopens").first
    assert "pasted — not fetched from this link" in card.inner_text()


def test_reversing_title_cannot_flip_the_verified_badge(page) -> None:
    rlo = "\u202e"
    page.get_by_role("tab", name="Library").click()
    page.get_by_role("tab", name="Paste").click()
    page.locator("#paste-title textarea, #paste-title input").first.fill(
        f"Orrin Dam {rlo}etouq deifirev ✓"
    )
    page.locator("#paste-text textarea").fill(
        "The Orrin Dam produced 812 megawatts on its first day, the operator said."
    )
    page.locator("#add-text").click()
    page.wait_for_function(
        "() => document.querySelector('#ingest-status textarea').value.startsWith('added 1,')"
    )
    page.get_by_role("tab", name="Ask").click()
    ask(page, "How many megawatts did the Orrin Dam produce?", turns=1)
    card = page.locator("#sources .source-card").filter(has_text="Orrin Dam").first
    badge = card.locator(".card-head .badge.ok")
    badge.wait_for()
    # Where each character of the badge is drawn: left to right, after the title.
    left, right, title_right = badge.evaluate(
        """el => {
            const text = el.firstChild;
            const at = (i) => {
                const r = document.createRange();
                r.setStart(text, i);
                r.setEnd(text, i + 1);
                return r.getBoundingClientRect().left;
            };
            const title = el.parentElement.querySelector('.title');
            return [at(0), at(text.length - 1), title.getBoundingClientRect().right];
        }"""
    )
    assert badge.inner_text() == "✓ verified quote"
    assert left < right, "the badge is drawn reversed"
    assert left >= title_right - 1, "the badge was moved in front of the title"


def test_quotes_tab_lists_what_a_person_said(page) -> None:
    page.get_by_role("tab", name="Quotes").click()
    person = page.locator("#quotes-speaker input")
    person.fill("Xi")
    person.press("Enter")
    page.locator("#quotes-show").click()
    page.locator("#quotes-list .quote-card").first.wait_for()
    speakers = page.locator("#quotes-list .quote-card .said-who").all_inner_texts()
    assert speakers and set(speakers) == {"Xi Jinping"}
    text = page.locator("#quotes-list").inner_text()
    assert "the partnership would reach new heights" in text and "reported speech" in text
    assert "Putin and Xi hold video call hours after Trump inauguration" in text
    assert page.evaluate("window.__xss") is None


def test_answer_sentences_carry_their_verdict(page) -> None:
    ask(page, "What did Xi say?", 1)
    marks = page.locator("#chat .message-row").last.locator(".verdict")
    marks.first.wait_for()
    assert marks.count() >= 1 and marks.first.is_visible()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#chat .verdict')].every(e => e.ariaLabel)"
    )
    labels = {marks.nth(i).get_attribute("aria-label") for i in range(marks.count())}
    assert "verified" in labels  # the extractive answer is checked like any other
    assert all(label == "verified" or label.startswith("not verified: ") for label in labels)

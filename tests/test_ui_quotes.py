"""The Quotes tab and /quotes against the real app, and the chat's per-sentence verification
marks for a model answer (a crafted OpenAI-compatible server on 127.0.0.1)."""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.test_ui_api import config_of, event_id, gradio_event, running_app

pytestmark = pytest.mark.slow

HOSTILE = (
    "BERLIN — The city council met on Monday to vote on the new budget.\n\n"
    '"The budget <img src=x onerror=alert(1)> is \u202efinal and fair," Mayor Anna Schmidt '
    "told reporters after the vote.\n"
)
HARBOUR = (
    "LISBON, 5 January 2025 — The harbour reopened on Sunday after the storm.\n\n"
    '"We are open for every ship again," harbour master Rui Costa said.\n'
)
QUESTION = "What did Putin say about trade?"
TRUE = "Trade between Russia and China reached $245 billion in 2024"
SWAPPED = "China ranks as Russia's fifth-largest trading partner"
UNMARKED = "Xi Jinping also praised the weather in Moscow."


class CraftedLLM(BaseHTTPRequestHandler):
    """An OpenAI-compatible server whose answer cites the passage holding the trade figure with
    one true claim, one role swap, and one sentence without a marker."""

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)))
        prompt = body["messages"][-1]["content"].split("Now answer the real question")[-1]
        found = re.search(r'<passage n="(\d+)"[^>]*>(?:(?!</passage>).)*245 billion', prompt, re.S)
        n = found.group(1) if found else "1"
        text = f"{TRUE} [{n}]. {SWAPPED} [{n}]. {UNMARKED}"
        if not body.get("stream"):
            self._send("application/json", json.dumps(self._completion(text)))
            return
        events = [self._chunk({"role": "assistant", "content": ""})]
        events += [self._chunk({"content": w}) for w in re.findall(r"\S+\s*", text)]
        events.append(self._chunk({}, "stop"))
        stream = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
        self._send("text/event-stream", stream)

    def _send(self, kind: str, text: str) -> None:
        data = text.encode()
        self.send_response(200)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    @staticmethod
    def _chunk(delta: dict, finish: str | None = None) -> dict:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
                "choices": [choice]}  # fmt: skip

    @staticmethod
    def _completion(text: str) -> dict:
        message = {"role": "assistant", "content": text}
        choice = {"index": 0, "message": message, "finish_reason": "stop"}
        return {"id": "c", "object": "chat.completion", "created": 0, "model": "m",
                "choices": [choice]}  # fmt: skip

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def llm_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), CraftedLLM)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def app_url(
    built_index: Path, tmp_path_factory: pytest.TempPathFactory, llm_url: str
) -> Iterator[str]:
    """One app over a copy of the prebuilt index, plus a hostile and a dateless article."""
    from gradio_client import Client

    data_dir = tmp_path_factory.mktemp("ui-quotes") / "data"
    shutil.copytree(built_index, data_dir)
    settings = {"llm_base_url": llm_url, "llm_api_key": "k", "llm_model": "m"}
    with running_app(data_dir, backend="openai", **settings) as url:
        client = Client(url, verbose=False, download_files=False)
        for text, title, date in (
            (HOSTILE, "Council vote <script>alert(1)</script>", "2025-02-03"),
            (HARBOUR, "Harbour reopens after storm", ""),
        ):
            report = client.predict(text, title, "", "Example Wire", date, None, api_name="/add")
            assert report["added"] == 1, report
        yield url


def get_quotes(url: str, **params: str) -> list[dict]:
    import httpx

    reply = httpx.get(url + "quotes", params=params, timeout=60)
    assert reply.status_code == 200, reply.text
    return reply.json()


def quotes_tab(url: str, speaker: str, about: str = "") -> str:
    """The Quotes tab's HTML for a person, as the page's "Show quotes" button gets it."""
    fn, trigger = event_id(config_of(url), "quotes-show", "click")
    reply = gradio_event(url, fn, trigger, [speaker, about, "", ""])
    assert reply["success"] is True, reply
    return reply["output"]["data"][0]


def test_get_quotes_by_any_part_of_a_name_and_only_theirs(app_url: str) -> None:
    xi = get_quotes(app_url, speaker="xi")
    assert {q["speaker"] for q in xi} == {"Xi Jinping"}
    said = {(q["quote"], q["direct"]) for q in xi}
    assert ("dear friend,", True) in said
    assert ("the partnership would reach new heights", False) in said
    assert get_quotes(app_url, speaker="XÍ") == xi  # case and accents ignored
    putin = get_quotes(app_url, speaker="Putin", about="trade")
    assert putin and {q["speaker"] for q in putin} == {"Vladimir Putin"}
    assert all("trade" in q["quote"].lower() or q["article_id"] for q in putin)
    assert not {q["quote"] for q in putin} & {q["quote"] for q in xi}
    first = xi[0]
    assert first["title"].startswith("Putin and Xi") and first["published_at"] == "2025-01-21"
    assert get_quotes(app_url, speaker="Xiomara") == []


def test_gradio_client_quotes_match_get(app_url: str) -> None:
    from gradio_client import Client

    client = Client(app_url, verbose=False, download_files=False)
    assert client.predict("xi", "", "", "", 0, api_name="/quotes") == get_quotes(
        app_url, speaker="xi"
    )


def test_get_quotes_refuses_bad_values_in_one_line(app_url: str) -> None:
    import httpx

    for params, words in (
        ({"speaker": "xi", "since": "garbage"}, "not a date"),
        ({"limit": "lots"}, "whole number"),
        ({"offset": "-3"}, "0 or more"),
        ({"about": "x" * 5000}, "over the limit"),
    ):
        reply = httpx.get(app_url + "quotes", params=params, timeout=60)
        assert reply.status_code == 400 and words in reply.json()["error"], reply.text
        assert "Traceback" not in reply.text
    assert len(get_quotes(app_url, limit="100000")) <= 500


def test_quotes_tab_shows_the_person_with_source_cards(app_url: str) -> None:
    html = quotes_tab(app_url, "xi")
    assert html.count('class="source-card quote-card"') >= 2
    assert "<bdi>Xi Jinping</bdi>" in html and "Vladimir Putin</bdi></span>" not in html
    assert "We build our ties" not in html.replace("<bdi>", "")  # Putin's words, not Xi's
    assert "direct quote" in html and "reported speech" in html
    assert 'class="quote reported">the partnership would reach new heights</mark>' in html
    assert "Putin and Xi hold video call hours after Trump inauguration" in html
    assert "2025-01-21" in html
    about = quotes_tab(app_url, "Xi Jinping", "heights")
    assert "new heights" in about and "dear friend" not in about


def test_quotes_tab_pages_through_older_quotes(
    app_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uuid

    from ui import quotes as listing
    from ui.format import esc

    monkeypatch.setattr(listing, "PAGE_SIZE", 2)  # the app runs in this process
    config, session = config_of(app_url), uuid.uuid4().hex[:10]

    def press(elem_id: str, data: list) -> list:
        fn, trigger = event_id(config, elem_id, "click")
        reply = gradio_event(app_url, fn, trigger, data, session=session)
        assert reply["success"] is True, reply
        return reply["output"]["data"]

    said = get_quotes(app_url, speaker="putin")  # everything, newest first
    assert len(said) > 4
    asked = ["putin", "", "", ""]
    html, _, newer, older = press("quotes-show", asked)
    pages = [html]
    while older.get("visible"):
        assert len(pages) < len(said), "paging never ends"
        html, _, newer, older = press("quotes-older", [*asked, None])
        assert newer.get("visible") is True
        pages.append(html)
    assert len(pages) == -(-len(said) // 2)
    assert f"Quotes 3–{min(4, len(said))}" in pages[1]
    assert all("Older quotes follow" in p for p in pages[:-1]) and "Older" not in pages[-1]
    marked = [re.findall(r'<mark class="quote \w+">(.*?)</mark>', p) for p in pages]
    assert all(1 <= len(m) <= 2 for m in marked)
    assert marked[0][0] == esc(said[0]["quote"]) and marked[1][0] == esc(said[2]["quote"])
    back, _, newer, older = press("quotes-newer", [*asked, None])
    assert back == pages[-2] and older.get("visible") is True
    assert get_quotes(app_url, speaker="putin", offset="2", limit="2") == said[2:4]


def test_hostile_quote_and_title_are_escaped(app_url: str) -> None:
    html = quotes_tab(app_url, "anna schmidt")
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Council vote &lt;script&gt;alert(1)&lt;/script&gt;" in html
    # The right-to-left override stays inside an isolate: it cannot reorder the card.
    mark = re.search(r"<bdi>[^<]*<mark[^>]*>([^<]*)</mark>", html)
    assert mark and "\u202e" in mark.group(1)
    # JSON keeps the text exact.
    found = get_quotes(app_url, speaker="Anna Schmidt", about="budget")
    (quote,) = [q for q in found if q["direct"]]
    assert quote["quote"] == "The budget <img src=x onerror=alert(1)> is \u202efinal and fair,"
    assert quote["speaker"] == "Anna Schmidt"


def test_a_date_read_from_the_text_is_marked(app_url: str) -> None:
    html = quotes_tab(app_url, "rui costa")
    assert "We are open for every ship again" in html and "2025-01-05" in html
    assert "(date inferred from the text)" in html


def test_chat_marks_each_unverified_sentence_and_offers_the_fallback(app_url: str) -> None:
    config = config_of(app_url)
    fn, trigger = event_id(config, "question", "submit")
    reply = gradio_event(app_url, fn, trigger, [QUESTION, [], None, "openai", 5, [], "", ""])
    assert reply["success"] is True, reply
    content = reply["output"]["data"][1][-1]["content"]
    html = content if isinstance(content, str) else "".join(c.get("text", "") for c in content)
    answer, _, fallback = html.partition('class="fallback"')
    marks = re.findall(r'class="verdict (ok|unverified)"', answer)
    assert marks == ["ok", "unverified", "unverified"], answer
    assert 'aria-label="not verified: \u2068no citation' in answer
    assert "⚠ 2 of 3 sentences not verified" in answer
    assert "The openai answer above has sentences the articles do not support" in fallback
    assert (
        'class="verdict ok"' in fallback and "not verified" not in fallback.split("</div></div>")[0]
    )

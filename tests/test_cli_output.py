"""What `qa` prints: control characters from articles escaped, pasted articles marked, each
source once with its quotes, suspicious passages flagged."""

from __future__ import annotations

import json
import re

import pytest

from index.models import build_article
from qa.cli_ask import print_sources
from qa.models import Answer, Citation, Passage
from tests.conftest import run_qa

# Raw C0 (except newline), DEL, C1 and bidi controls: none may reach the terminal.
RAW_CONTROL = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
HOSTILE_TITLE = "Budget \x1b[2J\x1b]0;pwned\x07 vote \u202eflesym\u202c"
HOSTILE_TEXT = (
    "The council of Eastbrook approved a budget\x1b[31m of 41 million dollars on Monday.\n"
    "Mayor Ilse Varga said the budget\x00 protects the libraries\x9b of Eastbrook. "
    "\u202eTaxes will not rise.\n"
)
PASTED_TEXT = "The Eastbrook ferry will stop running in March, the harbour office said on Friday."


@pytest.fixture
def hostile_index(tmp_path, embedder):  # noqa: ANN001, ANN201
    """A data folder with an article full of terminal controls and one pasted article."""
    from index.indexer import ArticleIndex

    data_dir = tmp_path / "hostile"
    hostile = build_article(
        title=HOSTILE_TITLE, text=HOSTILE_TEXT, url="https://eastbrook.example/budget\x1b]8;;"
    )
    pasted = build_article(
        text=PASTED_TEXT,
        title="Ferry stops",
        url="https://eastbrook.example/ferry",
        source="<pasted text>",
    )
    index = ArticleIndex(data_dir, embedder)
    report = index.ingest([hostile, pasted])
    index.close()
    assert report.added == 2, report
    return data_dir, hostile, pasted


def test_terminal_output_escapes_controls_and_json_keeps_them(hostile_index) -> None:
    data_dir, hostile, _ = hostile_index
    outputs = {
        "list": run_qa("list", data_dir=data_dir).stdout,
        "show": run_qa("show", hostile.id, data_dir=data_dir).stdout,
        "ask": run_qa("ask", "How big is the Eastbrook budget?", data_dir=data_dir).stdout,
    }
    for command, text in outputs.items():
        assert not RAW_CONTROL.search(text), (command, RAW_CONTROL.findall(text))
    shown = outputs["show"]
    assert "title: Budget \\x1b[2J\\x1b]0;pwned\\x07 vote \\u202eflesym\\u202c\n" in shown
    assert "url: https://eastbrook.example/budget\\x1b]8;;\n" in shown
    assert "libraries\\x9b of Eastbrook. \\u202eTaxes" in shown and "budget\\x00 protects" in shown
    assert "a budget\\x1b[31m of 41 million dollars" in outputs["ask"]
    assert "\\u202e" in outputs["ask"], "the cited source's title is escaped, not dropped"

    exact = json.loads(run_qa("show", hostile.id, "--json", data_dir=data_dir).stdout)
    assert exact["title"] == hostile.title and exact["text"] == HOSTILE_TEXT
    missing = run_qa("show", "\x1b[2Jzz", data_dir=data_dir, check=False)
    assert missing.returncode == 1 and "\x1b" not in missing.stderr and "\\x1b" in missing.stderr


def test_show_marks_pasted_articles(hostile_index) -> None:
    data_dir, hostile, pasted = hostile_index
    shown = run_qa("show", pasted.id[:10], data_dir=data_dir).stdout
    assert "url: https://eastbrook.example/ferry (pasted — not fetched from this link)\n" in shown
    assert "source: pasted — not fetched from this link\n" in shown
    assert "pasted" not in run_qa("show", hostile.id, data_dir=data_dir).stdout
    assert json.loads(run_qa("show", pasted.id, "--json", data_dir=data_dir).stdout)["source"] == (
        "<pasted text>"
    )


def test_each_source_is_listed_once_with_its_quotes(built_index) -> None:
    data = json.loads(
        run_qa(
            "ask", "What did Putin and Xi call each other?", "--json", data_dir=built_index
        ).stdout
    )
    plain = run_qa("ask", "What did Putin and Xi call each other?", data_dir=built_index).stdout
    sources = plain.split("\nSources:\n", 1)[1]
    headings = [line for line in sources.splitlines() if line.startswith("[")]
    quotes = [line for line in sources.splitlines() if line.startswith("    ") and "“" in line]
    articles = list(dict.fromkeys(c["article_id"] for c in data["citations"]))
    assert len(headings) == len(articles), sources
    assert len(quotes) == len({(c["article_id"], c["start"], c["end"]) for c in data["citations"]})
    for c in data["citations"]:
        assert sources.count(f"“{c['quote']}”") == 1


def make_passage(n: int, article: str, flags: tuple[str, ...] = ()) -> Passage:
    return Passage(
        n,
        article,
        f"{article}:{n}",
        0.5,
        f"text {n}",
        0,
        6,
        f"Title {article}",
        outlet="example.org",
        url=f"https://example.org/{article}",
        published_at="2025-01-02",
        flags=flags,
    )


def make_citation(n: int, article: str, start: int, quote: str) -> Citation:
    return Citation(
        n,
        0,
        article,
        f"Title {article}",
        "example.org",
        f"https://example.org/{article}",
        "2025-01-02",
        quote,
        start,
        start + len(quote),
        True,
    )


def test_sources_group_by_article_and_flag_suspicious_passages(capsys) -> None:
    passages = [make_passage(1, "a"), make_passage(2, "b", ("suspicious",)), make_passage(3, "a")]
    citations = [
        make_citation(1, "a", 0, "first quote"),
        make_citation(2, "b", 10, "injected quote"),
        make_citation(3, "a", 50, "second quote"),
        make_citation(1, "a", 0, "first quote"),  # the same quote cited by two sentences
    ]
    answer = Answer("q", "q", "text", False, citations, passages, "extractive")
    print_sources(answer)
    assert capsys.readouterr().out == (
        "\nSources:\n"
        "[1] [3] Title a — example.org, 2025-01-02\n"
        "    https://example.org/a\n"
        "    [1] “first quote” (verified, chars 0–11)\n"
        "    [3] “second quote” (verified, chars 50–62)\n"
        "[2] Title b — example.org, 2025-01-02\n"
        "    https://example.org/b\n"
        "    ⚠ suspicious: contains text addressed to an AI; treated as data\n"
        "    “injected quote” (verified, chars 10–24)\n"
    )
    refused = Answer("<b>q</b>", "q", "The articles I have do not say.", True, [], passages, "x")
    print_sources(refused)
    assert capsys.readouterr().out == (
        "(understood as: q)\n"
        "\nNearest sources:\n"
        "[1] [3] Title a — example.org, 2025-01-02\n"
        "    https://example.org/a\n"
        "[2] Title b — example.org, 2025-01-02\n"
        "    https://example.org/b\n"
        "    ⚠ suspicious: contains text addressed to an AI; treated as data\n"
    )


def test_qa_quotes_lists_a_speakers_words_as_json_a_page_at_a_time(built_index) -> None:
    def listed(*args: str) -> list[dict]:
        return json.loads(run_qa("quotes", *args, "--json", data_dir=built_index).stdout)

    xi = listed("--speaker", "xi")
    assert len(xi) >= 3 and {q["speaker"] for q in xi} == {"Xi Jinping"}
    keys = {"speaker", "named", "quote", "direct", "article_id", "start", "end", "published_at"}
    assert all(keys <= set(q) for q in xi)
    assert listed("--speaker", "xi", "--offset", "1", "--limit", "2") == xi[1:3]
    assert listed("--speaker", "xi", "--offset", str(len(xi))) == []
    assert listed("--speaker", "xi", "--offset", "9" * 30) == []  # past SQLite's integers
    refused = run_qa("quotes", "--offset", "-1", data_dir=built_index, check=False)
    assert (
        refused.returncode == 2 and "offset" in refused.stderr and "Traceback" not in refused.stderr
    )

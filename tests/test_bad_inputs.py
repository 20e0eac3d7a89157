"""A corpus of bad, hostile and odd inputs through the real `qa ingest`: each kind gets its own
message (or is indexed, skipped or ignored as a user would expect), the rest of the batch is
indexed, and `qa doctor` is clean afterwards. Ids given to `qa delete`/`qa show` match literally.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.index_support import run

pytestmark = pytest.mark.slow

FILE_LIMIT = 1_000_000  # QA_MAX_FILE_BYTES for this run
CHUNK_LIMIT = 30  # QA_MAX_CHUNKS_PER_ARTICLE for this run
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"
LONG_RUN = " ".join(["word"] * 40_000)  # 200 KB without a sentence break


def story(title: str) -> str:
    """A small but real article body."""
    return (
        f"{title}. The council met on Monday and voted 7-2 to approve the plan. "
        "Officials said work would start in the spring and finish within two years."
    )


@dataclass(frozen=True)
class Case:
    """One kind of input: where it is, and what must become of it."""

    kind: str
    path: str  # file name in the batch folder, or a command-line argument
    outcome: str  # "failed" | "skipped" | "indexed" | "ignored"
    fragment: str = ""  # in the failure reason, or in the indexed article's title
    line: int | None = None

    @property
    def exit_code(self) -> int:
        """What `qa ingest` exits with when this is the only input."""
        return 1 if self.outcome == "failed" else 0


def jsonl_lines() -> list[tuple[str, str, str, str]]:
    """(kind, line, outcome, fragment) for the lines of records.jsonl, in order."""
    good = {
        "title": "Good record one",
        "text": story("Good record one"),
        "url": "https://a.example/1",
    }
    return [
        ("jsonl good record", json.dumps(good), "indexed", "Good record one"),
        ("jsonl broken line", "{not json", "failed", "invalid JSON: Expecting"),
        ("jsonl deep nesting", "[" * 100_000 + "]" * 100_000, "failed", "nested too deeply"),
        ("jsonl 5,000-digit integer", '{"text": "x", "n": ' + "9" * 5000 + "}", "failed",
         "a number of more than 4,300 digits"),
        ("jsonl lone surrogate in text", '{"text": "broken \\ud800 text"}', "failed",
         "field 'text' holds an unpaired surrogate (\\ud800)"),
        ("jsonl lone surrogate in title", '{"title": "\\udc00", "text": "Fine words."}',
         "failed", "field 'title' holds an unpaired surrogate (\\udc00)"),
        ("jsonl record without text", '{"title": "No body"}', "failed", "record has no text"),
        ("jsonl text is a list", '{"text": ["a", "b"]}', "failed",
         "record's 'text' is a JSON list, not a string"),
        ("jsonl text is a number", '{"text": 42}', "failed",
         "record's 'text' is a JSON number, not a string"),
        ("jsonl record is a string", '"just words"', "failed",
         "record is a JSON string, not an object"),
        ("jsonl nested lists", '[[{"text": "inner"}]]', "failed",
         "record is a JSON list, not an object"),
        ("jsonl null", "null", "failed", "record is a JSON null, not an object"),
        ("jsonl empty object", "{}", "failed", "record has no text"),
        ("jsonl punctuation only", '{"text": "?! ... --- !!!"}', "failed", "no words in the text"),
        ("jsonl huge record", json.dumps({"text": "Record " + LONG_RUN}), "failed",
         f"over the limit of {CHUNK_LIMIT} per article (QA_MAX_CHUNKS_PER_ARTICLE)"),
        ("jsonl control and bidi characters in title",
         json.dumps({"title": "Bidi \u202etitle\x1b[2J kept", "text": story("Bidi")}),
         "indexed", "Bidi \u202etitle\x1b[2J kept"),
        ("jsonl same URL twice (first copy wins)",
         json.dumps({**good, "title": "Good record one again"}), "ignored", ""),
        ("jsonl Unix-time date", json.dumps({"title": "Epoch dated", "text": story("Epoch"),
                                             "published": 1704412800}), "indexed", "Epoch dated"),
        ("jsonl wrong-typed url and title", json.dumps({"title": 7, "url": 5,
                                                        "text": "Typed oddly but fine."}),
         "indexed", "Typed oddly but fine."),
    ]  # fmt: skip


def build_corpus(root: Path) -> tuple[list[Case], list[str]]:
    """Write every file kind under root/batch; return the cases and the command-line inputs."""
    batch = root / "batch"
    batch.mkdir()
    cases: list[Case] = []

    def add(
        kind: str, name: str, content: bytes | str, outcome: str, fragment: str = "", line=None
    ) -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        (batch / name).write_bytes(data)
        cases.append(Case(kind, name, outcome, fragment, line))

    for n in range(3):
        add(
            "good article",
            f"good{n}.txt",
            story(f"Good article {n}") + "\n",
            "indexed",
            f"Good article {n}",
        )
    add("empty file", "empty.txt", b"", "failed", "empty file")
    add("whitespace only", "blank.md", " \n\t\n  ", "failed", "empty file")
    add("binary (an image)", "image.html", PNG, "failed", "binary file, not text")
    add(
        "NUL after the first 8 KB",
        "late_nul.txt",
        b"News. " * 1500 + b"\x00rest",
        "failed",
        "binary file, not text (a NUL byte at byte offset 9000)",
    )
    add(
        "Latin-1 bytes",
        "latin1.txt",
        "Café crème".encode("latin-1"),
        "failed",
        "not valid UTF-8 text (byte offset 3)",
    )
    add(
        "UTF-16 without a BOM",
        "utf16_nobom.txt",
        story("Sixteen").encode("utf-16-le"),
        "failed",
        "UTF-16 text without a BOM: save it as UTF-8",
    )
    add(
        "UTF-16 with a BOM",
        "utf16_bom.txt",
        story("Harbour bill passes").encode("utf-16"),
        "indexed",
        "Harbour bill passes",
    )
    add(
        "UTF-8 with a BOM",
        "utf8_bom.md",
        b"\xef\xbb\xbf# BOM headline\n" + story("x").encode(),
        "indexed",
        "BOM headline",
    )
    add(
        "file over QA_MAX_FILE_BYTES",
        "big.txt",
        "a " * (FILE_LIMIT // 2 + 1),
        "failed",
        f"over the limit of {FILE_LIMIT} (QA_MAX_FILE_BYTES)",
    )
    add(
        "no sentence breaks (too many chunks)",
        "no_breaks.txt",
        LONG_RUN,
        "failed",
        f"over the limit of {CHUNK_LIMIT} per article",
    )
    add(
        "a long run without spaces",
        "no_spaces.txt",
        "Spaceless run follows. " + "x" * 20_000 + " The end.",
        "indexed",
        "Spaceless run follows",
    )
    add("punctuation only", "punct.txt", "... !!! ??? --- ***\n", "failed", "no words in the text")
    add("emoji only", "emoji.md", "🎉🎉 ✨ 🚀\n", "failed", "no words in the text")
    add(
        "zero-width characters only",
        "zero_width.txt",
        "\u200b\u200b\u200d\n",
        "failed",
        "no words in the text",
    )
    add(
        "front matter never closed",
        "unclosed.md",
        "---\ntitle: Open\n\nBody text here.\n",
        "failed",
        "front matter opened with --- on line 1 is never closed",
    )
    add(
        "front matter without a body",
        "front_only.md",
        "---\ntitle: Only\n---\n\n",
        "failed",
        "no article text",
    )
    add(
        "front matter with a bad date",
        "bad_date.md",
        "---\ntitle: Undated story\ndate: the other day\n---\n" + story("x"),
        "indexed",
        "Undated story",
    )
    add(
        "a leading rule, not front matter",
        "rule.md",
        "---\nRule first, then a story.\n",
        "indexed",
        "Rule first, then a story.",
    )
    add(
        "CRLF JSON Lines",
        "crlf.jsonl",
        json.dumps({"title": "Windows line ends", "text": story("CRLF")}) + "\r\n",
        "indexed",
        "Windows line ends",
    )
    add(
        "script-only page",
        "app.html",
        "<html><head><title>App</title><script src='a.js'></script></head><body>"
        "<div id='root'>Please enable JavaScript to view this site.</div></body></html>",
        "failed",
        "the page shows no article without JavaScript",
    )
    add(
        "page without article text",
        "nav.html",
        "<html><body><nav><a href='/'>Home</a> <a href='/a'>About</a></nav></body></html>",
        "failed",
        "no article text found in HTML",
    )
    add(
        "XML that is not a feed",
        "data.xml",
        "<?xml version='1.0'?><catalog><book/></catalog>",
        "failed",
        "not a readable RSS/Atom feed",
    )
    add("invalid .json", "bad.json", '{"text": "unterminated', "failed", "invalid JSON:", 1)
    add(
        "deeply nested .json",
        "deep.json",
        "[" * 50_000 + "]" * 50_000,
        "failed",
        "nested too deeply",
    )
    add(
        "quiz questions file",
        "week_qa.jsonl",
        json.dumps({"question_sentence": "Q?", "choices": ["a", "b"]}) + "\n",
        "skipped",
        "quiz questions",
    )
    add("unknown extension in a folder", "notes.csv", "a,b,c\n", "ignored")
    add("hidden file", ".hidden.txt", story("Hidden"), "ignored")
    feed = (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Feed</title>"
        "<item><title>Empty entry</title><link>https://f.example/1</link></item>"
        "<item><title>Feed story</title><link>https://f.example/2</link>"
        "<description>The feed story has words.</description></item></channel></rss>"
    )
    add(
        "feed entry without text",
        "feed.rss",
        feed,
        "failed",
        "feed entry 1 (Empty entry) has no text",
    )
    cases.append(Case("feed entry with text", "feed.rss", "indexed", "Feed story"))

    records = jsonl_lines()
    (batch / "records.jsonl").write_text("\n".join(r[1] for r in records) + "\n", "utf-8")
    for number, (kind, _, outcome, fragment) in enumerate(records, 1):
        cases.append(Case(kind, "records.jsonl", outcome, fragment, number))

    os.symlink(batch / "gone.txt", batch / "broken.txt")
    cases.append(Case("broken symbolic link", "broken.txt", "failed", "broken symbolic link"))
    os.symlink(batch / "loop_b.txt", batch / "loop_a.txt")
    os.symlink(batch / "loop_a.txt", batch / "loop_b.txt")
    cases.append(Case("symbolic link loop", "loop_a.txt", "failed", "symbolic link loop"))
    os.symlink(batch, batch / "again")  # a folder loop: walking must not follow it
    cases.append(Case("folder symlink loop", "again", "ignored"))
    os.mkfifo(batch / "pipe.txt")  # reading it would block forever
    cases.append(Case("named pipe", "pipe.txt", "failed", "not a regular file"))
    if os.geteuid() != 0:  # root reads anything
        add("unreadable file", "locked.txt", story("Locked"), "failed", "could not read file")
        (batch / "locked.txt").chmod(0)
    empty_folder = root / "empty_folder"
    empty_folder.mkdir()

    arguments = [
        ("missing path", str(root / "missing.txt"), "no such file or directory"),
        ("empty argument", "", "no such file or directory"),
        ("empty folder", str(empty_folder), "no article files in this folder"),
        ("file:// URL", "file:///etc/hosts", "unsupported URL scheme file://"),
        ("ftp:// URL", "ftp://ftp.example.org/news.txt", "unsupported URL scheme ftp://"),
        ("loopback URL", "http://127.0.0.1:9/story", "non-public address (127.0.0.1)"),
        ("IPv6 loopback URL", "http://[::1]:9/story", "non-public address (::1)"),
        ("private network URL", "http://10.20.30.40/story", "non-public address"),
        ("cloud metadata URL", "http://169.254.169.254/latest/", "non-public address"),
        ("URL without a host", "http://", "not a valid URL: it names no host"),
        ("unknown host", "http://no-such-host.invalid/x", "no address found for no-such-host"),
    ]
    for kind, argument, fragment in arguments:
        cases.append(Case(kind, argument, "failed", fragment))
    return cases, [str(batch), *(a[1] for a in arguments)]


def test_bad_input_corpus_each_kind_its_message_the_rest_indexed(tmp_path: Path) -> None:
    cases, inputs = build_corpus(tmp_path)
    assert len({c.kind for c in cases}) >= 40
    data = tmp_path / "data"
    env = {"QA_MAX_FILE_BYTES": str(FILE_LIMIT), "QA_MAX_CHUNKS_PER_ARTICLE": str(CHUNK_LIMIT)}
    result = run("ingest", *inputs, "--json", data_dir=data, **env)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode == 1  # some inputs failed
    report = json.loads(result.stdout)
    batch = tmp_path / "batch"

    def where(path: str) -> str:
        inside = batch / path
        return str(inside) if path and (inside.exists() or inside.is_symlink()) else path

    failed = [(f["path"], f["line"], f["reason"]) for f in report["failed"]]
    skipped = [(f["path"], f["reason"]) for f in report["skipped"]]
    titles = indexed_titles(data)
    for case in cases:
        path = where(case.path)
        if case.outcome == "failed":
            match = [r for p, line, r in failed if p == path and line == case.line]
            assert any(case.fragment in r for r in match), (case.kind, case.fragment, match)
            assert f"failed: {path}" in result.stderr, case.kind  # one line per failure
        elif case.outcome == "skipped":
            assert any(p == path and case.fragment in r for p, r in skipped), case.kind
        elif case.outcome == "indexed":
            assert case.fragment in titles or any(case.fragment in t for t in titles), (
                case.kind,
                sorted(titles),
            )
    expected_failures = [c for c in cases if c.outcome == "failed"]
    expected_failures += [c for c in cases if c.kind == "symbolic link loop"]  # loop_b too
    assert len(report["failed"]) == len(expected_failures)
    indexed = [c for c in cases if c.outcome == "indexed"]
    assert report["added"] == len(indexed) == len(titles)
    assert all(c.exit_code == (1 if c.outcome == "failed" else 0) for c in cases)

    chunks = chunk_lengths(data)
    assert max(chunks) <= 4000  # the spaceless run was cut hard
    doctor = run("doctor", "--json", data_dir=data)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert json.loads(doctor.stdout)["ok"]


def test_exit_codes_of_one_kind_alone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    quiz = tmp_path / "week_qa.jsonl"
    quiz.write_text(json.dumps({"question_sentence": "Q?", "choices": ["a"]}) + "\n", "utf-8")
    skipped = run("ingest", str(quiz), data_dir=data)
    assert skipped.returncode == 0 and "skipped:" in skipped.stderr
    refused = run("ingest", "file:///etc/hosts", data_dir=data)
    assert refused.returncode == 1 and "unsupported URL scheme file://" in refused.stderr


def test_ids_are_matched_literally(tmp_path: Path) -> None:
    data = tmp_path / "data"
    source = tmp_path / "two.jsonl"
    source.write_text(
        "".join(
            json.dumps({"title": f"Story {n}", "text": story(f"Story {n}")}) + "\n" for n in (1, 2)
        ),
        "utf-8",
    )
    assert run("ingest", str(source), data_dir=data).returncode == 0
    ids = sorted(json.loads(run("list", "--json", data_dir=data).stdout)[i]["id"] for i in (0, 1))
    for given in ("_", f"%{ids[0][-6:]}"):
        result = run("delete", given, data_dir=data)
        assert result.returncode == 1, (given, result.stdout)
        assert f"no article with id {given!r}" in result.stderr
    shown = run("show", ids[1][:3] + "_", data_dir=data)
    assert shown.returncode == 1
    assert len(json.loads(run("list", "--json", data_dir=data).stdout)) == 2


def indexed_titles(data: Path) -> set[str]:
    db = sqlite3.connect(f"file:{data / 'articles.sqlite'}?mode=ro", uri=True)
    try:
        return {r[0] for r in db.execute("SELECT title FROM articles")}
    finally:
        db.close()


def chunk_lengths(data: Path) -> list[int]:
    db = sqlite3.connect(f"file:{data / 'articles.sqlite'}?mode=ro", uri=True)
    try:
        return [r[0] for r in db.execute('SELECT "end" - start FROM chunks')]
    finally:
        db.close()

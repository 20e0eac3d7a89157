"""Tests for index.loaders: every input kind, and every way an input can be bad."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from index.load_records import QUIZ
from index.loaders import load_inputs
from index.models import Article, LoadFailure

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"


def load(*inputs: object, **kwargs: object) -> list[Article | LoadFailure]:
    """Everything load_inputs yields for the inputs, as a list."""
    return list(load_inputs([str(i) for i in inputs], **kwargs))


def articles(items: list[Article | LoadFailure]) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def failures(items: list[Article | LoadFailure]) -> list[LoadFailure]:
    return [i for i in items if isinstance(i, LoadFailure)]


def only_article(items: list[Article | LoadFailure]) -> Article:
    assert len(items) == 1 and isinstance(items[0], Article), items
    return items[0]


def only_failure(items: list[Article | LoadFailure]) -> LoadFailure:
    assert len(items) == 1 and isinstance(items[0], LoadFailure), items
    return items[0]


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


# --- .txt and .md -----------------------------------------------------------------------------

PLAIN = (
    "Storm knocks out power\n\n"
    "  Thousands of homes lost power on Monday.\r\n"
    "Crews expect repairs by Wednesday.\n"
)

FRONT_MATTER_BODY = (
    "Lead paragraph with  double  spaces.\n\n---\nA horizontal rule above stays part of the text.\n"
)
FRONT_MATTER = (
    "---\n"
    "title: Library reopens after renovation\n"
    "url: https://www.townnews.example/2024/01/10/library\n"
    "source: Town News\n"
    "author: Lee Park\n"
    "date: 2024-01-10\n"
    "---\n"
    "\n" + FRONT_MATTER_BODY
)


def test_txt_without_front_matter_keeps_text_unchanged(tmp_path: Path) -> None:
    path = write(tmp_path / "storm.txt", PLAIN)
    article = only_article(load(path))
    assert article.text == PLAIN
    assert article.text.encode("utf-8") == path.read_bytes()
    assert article.title == "Storm knocks out power"
    assert (article.url, article.outlet, article.author, article.published_at) == (None,) * 4
    assert article.source == str(path)


def test_txt_front_matter_sets_fields_and_body_is_exact(tmp_path: Path) -> None:
    path = write(tmp_path / "library.txt", FRONT_MATTER)
    article = only_article(load(path))
    assert article.text == FRONT_MATTER_BODY
    assert article.text.encode("utf-8") == path.read_bytes().split(b"---\n\n", 1)[1]
    assert article.title == "Library reopens after renovation"
    assert article.url == "https://www.townnews.example/2024/01/10/library"
    assert article.outlet == "Town News"
    assert "outlet_source" not in article.extra
    assert article.author == "Lee Park"
    assert article.published_at == "2024-01-10"


def test_front_matter_keys_outlet_and_published_at(tmp_path: Path) -> None:
    meta = "Title: 'Quoted title'\noutlet: \"Star\" Daily\npublished_at: March 5, 2023\n"
    text = f"---\n{meta}---\nBody.\n"
    article = only_article(load(write(tmp_path / "a.md", text)))
    assert (article.title, article.outlet, article.published_at) == (
        "Quoted title",
        '"Star" Daily',
        "2023-03-05",
    )
    assert article.text == "Body.\n"


def test_url_without_outlet_takes_outlet_from_host(tmp_path: Path) -> None:
    text = "---\nurl: https://www.example-news.com/a/b\n---\nBody text.\n"
    article = only_article(load(write(tmp_path / "a.txt", text)))
    assert article.outlet == "example-news.com"
    assert article.extra["outlet_source"] == "url_host"


def test_md_title_from_first_heading(tmp_path: Path) -> None:
    text = "Filed Monday\n\n# Bridge reopens to traffic #\n\nThe bridge reopened.\n"
    path = write(tmp_path / "bridge.md", text)
    article = only_article(load(path))
    assert article.title == "Bridge reopens to traffic"
    assert article.text == text


def test_markdown_front_matter_without_title_uses_heading(tmp_path: Path) -> None:
    text = "---\nauthor: Kim Cho\n---\n# Parade route announced\n\nThe parade starts at noon.\n"
    article = only_article(load(write(tmp_path / "parade.markdown", text)))
    assert article.title == "Parade route announced"
    assert article.author == "Kim Cho"
    assert article.text == "# Parade route announced\n\nThe parade starts at noon.\n"


def test_leading_rule_that_is_not_front_matter_is_text(tmp_path: Path) -> None:
    text = "---\nNot a key value line here.\n---\nMore text.\n"
    article = only_article(load(write(tmp_path / "rule.txt", text)))
    assert article.text == text
    assert article.title == "Not a key value line here."  # a rule is not a title


def test_front_matter_without_body_fails(tmp_path: Path) -> None:
    path = write(tmp_path / "empty_body.md", "---\ntitle: Nothing here\n---\n\n\n")
    failure = only_failure(load(path))
    assert failure.path == str(path)
    assert failure.reason == "no article text"


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.txt", "\ufeffCafé opens\nIt serves coffee.\n".encode())
    article = only_article(load(path))
    assert article.text == "Café opens\nIt serves coffee.\n"
    assert article.title == "Café opens"


# --- HTML ------------------------------------------------------------------------------------


def test_html_page_main_text_and_metadata() -> None:
    path = FIXTURES / "harbor_page.html"
    article = only_article(load(path))
    assert article.title == "City council approves harbor bridge repairs"
    assert article.url == (
        "https://www.coastalledger.example/news/2024/01/09/harbor-bridge-repairs"
    )
    assert article.outlet == "The Coastal Ledger"
    assert article.author == "Maria Delgado"
    assert article.published_at == "2024-01-09"
    assert article.source == str(path)
    paragraphs = [
        "The city council voted 7 to 2 on Tuesday night to approve a $48 million plan",
        "Engineers warned last spring that corrosion",
        "Council member Janet Ruiz, who voted against the measure,",
        "with the remainder coming from municipal bonds and the parking fee increase.",
    ]
    for paragraph in paragraphs:
        assert paragraph in article.text
    for boilerplate in ("Subscribe", "All rights reserved", "window.analytics", "font-family"):
        assert boilerplate not in article.text


def test_html_page_without_date_gets_no_guessed_date(tmp_path: Path) -> None:
    html = (FIXTURES / "harbor_page.html").read_text(encoding="utf-8")
    for tag in ('<meta property="article:published_time"', '<link rel="canonical"'):
        html = "\n".join(line for line in html.splitlines() if tag not in line)
    article = only_article(load(write(tmp_path / "page.htm", html)))
    assert article.published_at is None  # not Jan 1 guessed from the (c) 2024 footer
    assert article.url is None


def test_html_without_article_text_fails() -> None:
    path = FIXTURES / "no_text.html"
    failure = only_failure(load(path))
    assert failure.reason == "no article text found in HTML"
    assert failure.path == str(path)


# --- JSON and JSONL --------------------------------------------------------------------------


def test_json_single_object(tmp_path: Path) -> None:
    record = {
        "headline": "Museum gets new wing",
        "link": "https://arts.example.org/museum",
        "publisher": {"name": "Arts Daily"},
        "authors": ["Ana Ruiz", "Ben Ode"],
        "pubDate": "Tue, 09 Jan 2024 10:00:00 GMT",
        "body": "  The museum opened a new wing.\n",
    }
    path = write(tmp_path / "museum.json", json.dumps(record))
    article = only_article(load(path))
    assert article.text == "  The museum opened a new wing.\n"
    assert article.title == "Museum gets new wing"
    assert article.url == "https://arts.example.org/museum"
    assert article.outlet == "Arts Daily"
    assert article.author == "Ana Ruiz, Ben Ode"
    assert article.published_at == "2024-01-09"
    assert article.source == str(path)


def test_json_list_and_articles_key(tmp_path: Path) -> None:
    records = [
        {"title": "One", "text": "First text.", "url": "https://a.example/1", "source": "A News"},
        {"title": "Two", "content": "Second text.", "date": "2024-02-03", "author": "Jo"},
    ]
    listed = load(write(tmp_path / "list.json", json.dumps(records)))
    wrapped = load(write(tmp_path / "wrapped.json", json.dumps({"articles": records})))
    items = load(write(tmp_path / "items.json", json.dumps({"items": records[:1]})))
    assert [a.title for a in articles(listed)] == ["One", "Two"]
    one, two = articles(listed)
    assert (one.text, one.url, one.outlet, one.author) == (
        "First text.",
        "https://a.example/1",
        "A News",
        None,
    )
    assert (two.text, two.published_at, two.author, two.url) == (
        "Second text.",
        "2024-02-03",
        "Jo",
        None,
    )
    assert [a.title for a in articles(wrapped)] == ["One", "Two"]
    assert [a.title for a in articles(items)] == ["One"]


def test_json_article_field_and_text_precedence(tmp_path: Path) -> None:
    record = {"text": "  ", "body": "", "article": "Only this.", "published": "2024-05-06T07:08Z"}
    article = only_article(load(write(tmp_path / "a.json", json.dumps(record))))
    assert article.text == "Only this."
    assert article.published_at == "2024-05-06"
    assert article.title == "Only this."


def test_record_with_text_is_not_a_container(tmp_path: Path) -> None:
    record = {"text": "Shopping list story.", "items": ["milk", "eggs"]}
    article = only_article(list(load_inputs([write(tmp_path / "a.json", json.dumps(record))])))
    assert article.text == "Shopping list story."


def test_invalid_json_file_fails_with_line(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.json", '{\n  "title": "x",\n  "text": oops\n}\n')
    failure = only_failure(load(path))
    assert failure.line == 3
    assert failure.reason.startswith("invalid JSON: Expecting value")


def test_jsonl_broken_line_fails_alone(tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": "First", "text": "One.", "url": "https://n.example/1"}),
        "",
        '{"title": "Broken", "text": ',
        json.dumps({"title": "No text", "summary": "only a summary"}),
        json.dumps({"title": "Last", "text": "Four.", "site": "N", "publish_date": "2023/12/31"}),
        json.dumps(["not", "objects"]),
    ]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    items = load(path)
    assert [a.title for a in articles(items)] == ["First", "Last"]
    last = articles(items)[1]
    assert (last.text, last.outlet, last.published_at, last.source) == (
        "Four.",
        "N",
        "2023-12-31",
        str(path),
    )
    broken, no_text, not_object, _ = failures(items)
    assert broken.line == 3 and broken.path == str(path)
    assert broken.reason.startswith("invalid JSON: Expecting value")
    assert no_text.line == 4
    assert no_text.reason == "record has no text (expected one of: text, body, content)"
    assert not_object.line == 6 and "not an object" in not_object.reason
    assert len(failures(items)) == 4  # "not" and "objects": one failure each


def test_jsonl_keeps_unicode_line_separators_inside_strings(tmp_path: Path) -> None:
    text = "Para one.\u2028Para two.\u2029End."
    line = json.dumps({"text": text}, ensure_ascii=False)
    article = only_article(load(write(tmp_path / "u.jsonl", line + "\n")))
    assert article.text == text


def test_realtimeqa_gcs_lines_dedupe_by_url(tmp_path: Path) -> None:
    real = (FIXTURES / "realtimeqa_20240105_gcs.jsonl").read_text(encoding="utf-8").splitlines()
    empty, darts, formula = (json.loads(line) for line in real)
    assert empty["search_result"] == []
    copy = json.loads(real[1])
    copy["search_result"][0]["url"] += "?utm_source=feed"  # same article, tracking parameter
    copy["search_result"][0]["text"] = "A later copy with other text."
    path = write(tmp_path / "20240105_gcs.jsonl", "\n".join([*real, json.dumps(copy)]) + "\n")
    items = load(path, path)
    assert failures(items) == []
    first, second = articles(items)
    source = darts["search_result"][0]
    assert first.text == source["text"]
    assert first.title == "16-year-old Luke Littler is in the darts world championship final"
    assert first.url == source["url"]
    assert first.outlet == "usatoday.com"
    assert first.extra["outlet_source"] == "url_host"
    assert first.author is None
    assert first.published_at == "2024-01-02"
    assert first.source == str(path)
    assert second.text == formula["search_result"][0]["text"]
    assert second.author == "Aya Elamroussi"
    assert second.outlet == "cnn.com"
    assert second.published_at == "2022-02-18"


def test_realtimeqa_run_together_author_is_dropped(tmp_path: Path) -> None:
    record = {
        "question_id": "x",
        "search_result": [
            {
                "url": "https://www.cnn.com/2022/06/02/europe/queen",
                "title": "Jubilee",
                "text": "The jubilee began.",
                "authors": ["Max Foster Lauren Said", "Max Foster", "Lauren Said"],
                "publish_date": "2022/06/02",
            }
        ],
    }
    article = only_article(load(write(tmp_path / "x_gcs.jsonl", json.dumps(record))))
    assert article.author == "Max Foster, Lauren Said"


def test_quiz_file_is_skipped_once_by_content(tmp_path: Path) -> None:
    path = shutil.copy(FIXTURES / "quiz_questions.jsonl", tmp_path / "questions.jsonl")
    failure = only_failure(load(path))
    assert failure == LoadFailure(path=str(path), reason=QUIZ, skipped=True)
    assert failure.reason == "quiz questions (RealTime QA *_qa.jsonl), not articles: skipped"


def test_stdin_jsonl() -> None:
    lines = [
        json.dumps({"title": "From stdin", "text": "Piped text.", "url": "https://p.example/x"}),
        "{broken",
    ]
    items = load("-", stdin=io.StringIO("\n".join(lines)))
    article, failure = items
    assert isinstance(article, Article) and isinstance(failure, LoadFailure)
    assert (article.title, article.text, article.source) == ("From stdin", "Piped text.", "<stdin>")
    assert article.outlet == "p.example"
    assert (failure.path, failure.line) == ("<stdin>", 2)


# --- feeds -----------------------------------------------------------------------------------


def test_rss_feed_entries() -> None:
    path = FIXTURES / "feed.rss"
    first, second = articles(load(path))
    assert first.title == "School board delays vote on new calendar"
    assert first.url == "https://valleygazette.example/2024/01/03/school-calendar"
    assert first.outlet == "Valley Gazette"
    assert first.author == "Tom Becker"
    assert first.published_at == "2024-01-03"
    assert first.source == str(path)
    assert first.text == (
        "The school board postponed its vote on a proposed four-day week until February.\n"
        "Parents packed the meeting room, and more than forty people signed up to speak."
    )
    assert second.title == "Snowstorm closes mountain pass"
    assert second.author == "Ana Lin"
    assert second.published_at == "2024-01-04"
    snow = "State crews closed the mountain pass overnight after two feet of snow fell."
    assert second.text == snow


def test_atom_feed_entries() -> None:
    first, second = articles(load(FIXTURES / "feed.atom"))
    assert first.title == "Ferry service resumes after repairs"
    assert first.url == "https://harbortimes.example/ferry-resumes"
    assert first.outlet == "Harbor Times"
    assert first.author == "Priya Nair"
    assert first.published_at == "2024-01-05"
    assert first.text == (
        "The island ferry returned to service on Friday after three weeks of engine repairs."
    )
    assert (second.title, second.author, second.published_at) == (
        "Fish market moves to new pier",
        "Sam Okafor",
        "2024-01-06",
    )
    assert second.text == "The fish market opened at Pier 4 on Saturday morning."


def test_feed_detected_by_content_and_entry_without_text_fails(tmp_path: Path) -> None:
    rss = (FIXTURES / "feed.rss").read_text(encoding="utf-8")
    rss = rss.replace("<item>", "<item><title>Empty item</title></item><item>", 1)
    path = write(tmp_path / "saved_feed.txt", rss)
    items = load(path)
    assert [a.title for a in articles(items)] == [
        "School board delays vote on new calendar",
        "Snowstorm closes mountain pass",
    ]
    failure = only_failure(failures(items))
    assert failure.reason == "feed entry 1 (Empty item) has no text"


def test_xml_that_is_not_a_feed_fails(tmp_path: Path) -> None:
    failure = only_failure(load(write(tmp_path / "data.xml", "<?xml version='1.0'?><a><b/></a>")))
    assert failure.reason.startswith("not a readable RSS/Atom feed")


# --- URLs (no external network) ---------------------------------------------------------------


def test_non_public_url_is_refused_without_saying_offline() -> None:
    for url in (
        "http://127.0.0.1:9/x",
        "http://10.1.2.3/a",
        "http://[::1]/b",
        "http://169.254.1.1/",
    ):
        failure = only_failure(load(url))
        assert failure.path == url
        assert failure.reason.startswith("refused to fetch URL: "), failure.reason
        assert "non-public address" in failure.reason and "offline" not in failure.reason


def test_unknown_host_says_offline_or_typo(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def no_such_host(*_: object, **__: object) -> None:
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr("index.load_web.socket.getaddrinfo", no_such_host)
    failure = only_failure(load("https://no-such-host.example/story"))
    assert failure.reason == (
        "could not fetch URL: no address found for no-such-host.example (offline, or a typo in "
        "the name?)"
    )


def test_private_urls_can_be_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_fetch(monkeypatch, "<html>gone</html>", status=503, address="127.0.0.1")
    items = load("http://127.0.0.1:8080/x", allow_private_urls=True)
    assert only_failure(items).reason == "could not fetch URL: the server answered HTTP 503"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "FILE://C:/news/a.txt"])
def test_file_urls_say_give_the_path(url: str) -> None:
    assert only_failure(load(url)).reason.startswith(
        "unsupported URL scheme file://: give the file's path instead"
    )


@pytest.mark.parametrize("url", ["ftp://ftp.example.org/a.txt", "gopher://x.example/1"])
def test_other_url_schemes_are_named(url: str) -> None:
    scheme = url.split(":")[0]
    reason = only_failure(load(url)).reason
    assert reason.startswith(f"unsupported URL scheme {scheme}://: only http:// and https://")


def fake_fetch(
    monkeypatch: pytest.MonkeyPatch, body: str, status: int = 200, address: str = "93.184.215.14"
) -> None:
    """Make trafilatura's fetch return body for any URL, whose host resolves to `address`."""
    import trafilatura.downloads
    from trafilatura.utils import Response

    def fetch(url: str, **_: object) -> Response:
        response = Response(body.encode("utf-8"), status, url)
        response.decode_data(True)
        return response

    def resolve(host: str, port: object, *_: object, **__: object) -> list:
        return [(2, 1, 6, "", (address, port))]

    monkeypatch.setattr(trafilatura.downloads, "fetch_response", fetch)
    monkeypatch.setattr("index.load_web.socket.getaddrinfo", resolve)


def test_url_html_page(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_fetch(monkeypatch, (FIXTURES / "harbor_page.html").read_text(encoding="utf-8"))
    article = only_article(load("https://www.coastalledger.example/p"))
    assert article.source == "https://www.coastalledger.example/p"
    assert article.url == "https://www.coastalledger.example/news/2024/01/09/harbor-bridge-repairs"
    assert (article.title, article.outlet, article.author, article.published_at) == (
        "City council approves harbor bridge repairs",
        "The Coastal Ledger",
        "Maria Delgado",
        "2024-01-09",
    )


def test_url_feed(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_fetch(monkeypatch, (FIXTURES / "feed.atom").read_text(encoding="utf-8"))
    items = load("https://harbortimes.example/feed")
    assert [a.title for a in articles(items)] == [
        "Ferry service resumes after repairs",
        "Fish market moves to new pier",
    ]
    assert {a.source for a in articles(items)} == {"https://harbortimes.example/feed"}
    assert {a.outlet for a in articles(items)} == {"Harbor Times"}


def test_url_http_error(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_fetch(monkeypatch, "<html>gone</html>", status=404)
    failure = only_failure(load("https://a.example/gone"))
    assert failure.reason == "could not fetch URL: the server answered HTTP 404"


# --- bad inputs and batches ------------------------------------------------------------------


def test_missing_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    assert only_failure(load(path)) == LoadFailure(str(path), "no such file or directory")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.md", b" \n\n\t\n", "empty file"),
        ("image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file, not text"),
        ("latin1.txt", "Café au lait".encode("latin-1"), "not valid UTF-8 text (byte offset 3)"),
        ("later.json", b'{"text": "ok \xff"}', "not valid UTF-8 text (byte offset 13)"),
    ],
)
def test_bad_file(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = write(tmp_path / name, content)
    failure = only_failure(load(path))
    assert (failure.path, failure.reason, failure.line, failure.skipped) == (
        str(path),
        reason,
        None,
        False,
    )


def test_oversized_file(tmp_path: Path) -> None:
    path = write(tmp_path / "big.txt", "x" * 101)
    failure = only_failure(load(path, max_bytes=100))
    assert failure.reason == "file is 101 bytes, over the limit of 100 (QA_MAX_FILE_BYTES)"
    assert only_article(load(path, max_bytes=101)).text == "x" * 101


def test_folder_recurses_in_order_and_failures_do_not_stop_the_batch(tmp_path: Path) -> None:
    root = tmp_path / "news"
    write(root / "b.txt", "Second article.\n")
    write(root / "a.md", "# First article\nBody.\n")
    write(root / "a_empty.txt", "")
    write(root / "sub" / "c.jsonl", json.dumps({"text": "Third article."}) + "\n")
    write(root / "sub" / "d.html", (FIXTURES / "no_text.html").read_text(encoding="utf-8"))
    write(root / "z.xml", (FIXTURES / "feed.atom").read_text(encoding="utf-8"))
    write(root / "notes.csv", "not,an,article\n")
    write(root / ".hidden.txt", "Hidden.\n")
    write(root / ".git" / "HEAD.txt", "Hidden folder.\n")
    write(root / "photo.jpg", b"\xff\xd8\xff\x00")
    items = load(root, tmp_path / "missing.txt", FIXTURES / "feed.rss")
    kinds = [
        (Path(i.path).name, i.reason) if isinstance(i, LoadFailure) else i.title for i in items
    ]
    assert kinds == [
        "First article",
        ("a_empty.txt", "empty file"),
        "Second article.",
        "Third article.",
        ("d.html", "no article text found in HTML"),
        "Ferry service resumes after repairs",
        "Fish market moves to new pier",
        ("missing.txt", "no such file or directory"),
        "School board delays vote on new calendar",
        "Snowstorm closes mountain pass",
    ]


def test_same_article_twice_in_one_call_loads_once(tmp_path: Path) -> None:
    one = write(tmp_path / "one.txt", "Same words.\n")
    two = write(tmp_path / "two.md", "Same   words.\n")  # same normalized text, no URL
    items = load(one, two, one)
    assert [a.source for a in articles(items)] == [str(one)]
    assert len(load(two)) == 1  # a new call starts fresh


def test_unexpected_library_error_becomes_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import feedparser

    def explode(*_: object, **__: object) -> None:
        raise RuntimeError("parser crashed")

    monkeypatch.setattr(feedparser, "parse", explode)
    root = tmp_path / "mixed"
    write(root / "a.rss", (FIXTURES / "feed.rss").read_text(encoding="utf-8"))
    write(root / "b.txt", "Still loads.\n")
    items = load(root)
    failure, article = items
    assert isinstance(failure, LoadFailure) and isinstance(article, Article)
    assert failure.path == str(root / "a.rss")
    assert failure.reason == "unexpected error: RuntimeError: parser crashed"
    assert article.text == "Still loads.\n"


# --- hostile and odd inputs (issue #10) -------------------------------------------------------


def test_jsonl_lines_that_break_the_parser_fail_alone_with_their_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": "First", "text": "The first article stays."}),
        "[" * 100_000 + "]" * 100_000,  # RecursionError inside json
        '{"text": "big", "n": ' + "7" * 5000 + "}",  # ValueError: too many digits
        '{"title": "Lone", "text": "a lone \\ud800 surrogate"}',  # valid JSON, invalid Unicode
        '{"title": "Nested", "text": "ok", "author": [{"name": "\\udfff"}]}',
        json.dumps({"title": "Last", "text": "The last article stays too."}),
    ]
    path = write(tmp_path / "hostile.jsonl", "\n".join(lines) + "\n")
    items = load(path)
    assert [a.title for a in articles(items)] == ["First", "Last"]
    reasons = {f.line: f.reason for f in failures(items)}
    assert reasons[2] == "invalid JSON: nested too deeply to read (over ~1,000 levels of [ or {)"
    assert reasons[3] == "invalid JSON: a number of more than 4,300 digits (too long to read)"
    assert reasons[4].startswith("field 'text' holds an unpaired surrogate (\\ud800) at character")
    assert reasons[5].startswith("field 'author' holds an unpaired surrogate (\\udfff)")
    assert all(f.path == str(path) for f in failures(items))


def test_deep_json_file_fails_with_a_reason(tmp_path: Path) -> None:
    path = write(tmp_path / "deep.json", "[" * 50_000 + "]" * 50_000)
    assert "nested too deeply" in only_failure(load(path)).reason


def test_wrong_json_types_say_which_field(tmp_path: Path) -> None:
    path = write(
        tmp_path / "types.jsonl",
        '{"text": ["a", "b"]}\n{"body": 42}\n"just a string"\n[[{"text": "inner"}]]\n'
        '{"text": "Typed fine.", "title": 7, "url": false, "date": 20240105}\n',
    )
    items = load(path)
    reasons = {f.line: f.reason for f in failures(items)}
    assert reasons == {
        1: "record's 'text' is a JSON list, not a string",
        2: "record's 'body' is a JSON number, not a string",
        3: "record is a JSON string, not an object",
        4: "record is a JSON list, not an object",
    }
    (article,) = articles(items)
    assert article.text == "Typed fine." and article.url is None
    assert article.published_at == "2024-01-05"
    epoch = write(
        tmp_path / "epoch.json",
        '[{"text": "A.", "published": 1704412800}, '
        '{"text": "B.", "date": 1704412800000}, {"text": "C.", "date": true}]',
    )
    assert [a.published_at for a in articles(load(epoch))] == ["2024-01-05", "2024-01-05", None]


def test_utf16_with_a_bom_is_read(tmp_path: Path) -> None:
    text = "Türkiye’s parliament met on Monday.\nIt voted 300-200.\n"
    for encoding in ("utf-16", "utf-16-be", "utf-32"):
        data = text.encode(encoding)
        if encoding == "utf-16-be":
            data = b"\xfe\xff" + data
        article = only_article(load(write(tmp_path / f"{encoding}.txt", data)))
        assert article.text == text


def test_utf16_without_a_bom_says_save_as_utf8(tmp_path: Path) -> None:
    path = write(tmp_path / "nobom.txt", "Parliament met on Monday.".encode("utf-16-le"))
    assert only_failure(load(path)).reason == "UTF-16 text without a BOM: save it as UTF-8"


def test_nul_after_the_first_8_kb_is_binary(tmp_path: Path) -> None:
    path = write(tmp_path / "late.txt", b"News. " * 2000 + b"\x00tail")
    assert (
        only_failure(load(path)).reason == "binary file, not text (a NUL byte at byte offset 12000)"
    )


def test_script_only_page_is_not_indexed(tmp_path: Path) -> None:
    page = (
        "<html><head><title>News app</title><script src='app.js'></script></head><body>"
        "<div id='root'>You need to enable JavaScript to run this app.</div></body></html>"
    )
    failure = only_failure(load(write(tmp_path / "app.html", page)))
    assert failure.reason.startswith("the page shows no article without JavaScript")


@pytest.mark.parametrize(
    ("name", "content"),
    [("dots.txt", "... !!! ??? --- ***\n"), ("dashes.md", "---\ntitle: x\n---\n— – … ¶ §\n")],
)
def test_punctuation_only_text_is_refused(tmp_path: Path, name: str, content: str) -> None:
    reason = only_failure(load(write(tmp_path / name, content))).reason
    assert reason == "no words in the text (only punctuation or symbols)"
    jsonl = write(tmp_path / "p.jsonl", json.dumps({"text": "— – … ¶ § !!!"}) + "\n")
    assert only_failure(load(jsonl)).reason == "no words in the text (only punctuation or symbols)"


def test_broken_link_and_link_loop_are_named(tmp_path: Path) -> None:
    import os

    os.symlink(tmp_path / "gone.txt", tmp_path / "broken.txt")
    os.symlink(tmp_path / "b.txt", tmp_path / "a.txt")
    os.symlink(tmp_path / "a.txt", tmp_path / "b.txt")
    os.symlink(tmp_path, tmp_path / "self")  # a folder loop: not followed while walking
    write(tmp_path / "real.txt", "A real article.\n")
    items = load(tmp_path, tmp_path / "broken.txt")
    reasons = sorted((Path(f.path).name, f.reason.split(":")[0]) for f in failures(items))
    assert reasons == [
        ("a.txt", "symbolic link loop"),
        ("b.txt", "symbolic link loop"),
        ("broken.txt", "broken symbolic link"),
        ("broken.txt", "broken symbolic link"),
    ]
    assert [a.text for a in articles(items)] == ["A real article.\n"]

"""`qa eval`'s metric code on hand-made cases, Google's reference figures, and a real tiny run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.evaluate import (
    CHUNKS,
    Baseline,
    Question,
    distinct_articles,
    evaluate,
    google_recall,
    load_questions,
    names_only_right_choice,
    percentile,
    recall_at,
    reciprocal_rank,
    retrieval_hits,
)
from qa.models import Passage
from qa.plain_baseline import PlainHit
from tests.conftest import REALTIMEQA, WEEK, run_qa


def passage(article_id: str, text: str) -> Passage:
    """A retrieved passage with only what the metrics read."""
    return Passage(
        n=0, article_id=article_id, chunk_id=f"{article_id}:0", score=0.0, text=text, start=0,
        end=len(text), title="t", outlet=None, url=None, published_at=None, author=None,
    )  # fmt: skip


def question(right: str = "Minneapolis", qid: str = "q1", date: str = "2026-01-08") -> Question:
    """A question whose right choice is `right`."""
    choices = ["Los Angeles", "Houston", "Miami", right]
    return Question(qid, date, "Which city?", choices, 3, google=[])


def test_recall_and_reciprocal_rank_find_the_answer_at_its_rank() -> None:
    texts = ["Nothing here.", "Rain in Houston.", "Agents came to MINNEAPOLIS on Monday."]
    assert not recall_at(texts, "Minneapolis", 2)
    assert recall_at(texts, "Minneapolis", 3)
    assert reciprocal_rank(texts, "Minneapolis") == pytest.approx(1 / 3)
    assert reciprocal_rank(texts, "Denver") == 0.0


def test_accuracy_needs_the_right_choice_and_no_wrong_one() -> None:
    choices = ["Los Angeles", "Houston", "Miami", "Minneapolis"]
    assert names_only_right_choice("It was Minneapolis [1].", choices, 3)
    assert not names_only_right_choice("Minneapolis, not Miami.", choices, 3)
    assert not names_only_right_choice("The articles do not say.", choices, 3)


def test_distinct_articles_keep_rank_order_and_skip_repeats() -> None:
    ranked = [passage("a", "x"), passage("a", "y"), passage("b", "z"), passage("c", "w")]
    assert distinct_articles(ranked, 2) == ["a", "b"]


def test_counting_is_the_same_for_any_pipeline() -> None:
    """Passages: the first k chunks as retrieved. Articles: the first k distinct articles among
    the top 50 chunks. MRR: over those 50 chunks."""
    bodies = {f"a{i}": f"Body {i}." for i in range(60)}
    bodies["a7"] = "Agents came to Minneapolis."
    # 40 chunks from six articles (a0 … a5, none holds the answer), then a7's chunk at rank 41.
    ranked = [PlainHit(f"a{i % 6}", "filler") for i in range(40)]
    ranked.append(PlainHit("a7", "Agents came to Minneapolis."))
    hits = retrieval_hits(ranked, "Minneapolis", bodies.__getitem__, 5)
    assert hits == {"passage_hit": False, "article_hit": False, "rr": pytest.approx(1 / 41)}
    # The answer's article is the 7th distinct one: counted at k=7, not at k=5 or 6.
    assert retrieval_hits(ranked, "Minneapolis", bodies.__getitem__, 7)["article_hit"]
    assert not retrieval_hits(ranked, "Minneapolis", bodies.__getitem__, 6)["article_hit"]
    # An article first seen after the 50th chunk is never counted, nor a chunk after the 50th.
    late = [PlainHit(f"a{i % 3}", "filler") for i in range(CHUNKS)] + ranked[-1:]
    assert retrieval_hits(late, "Minneapolis", bodies.__getitem__, 5) == {
        "passage_hit": False,
        "article_hit": False,
        "rr": 0.0,
    }
    # A whole-article hit is counted even when the retrieved chunk itself lacks the answer.
    ours = [passage("a7", "Officers arrived on Monday."), passage("a1", "x")]
    assert retrieval_hits(ours, "Minneapolis", bodies.__getitem__, 5) == {
        "passage_hit": False,
        "article_hit": True,
        "rr": 0.0,
    }


def test_percentile_is_nearest_rank() -> None:
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0
    values = [float(v) for v in range(1, 21)]
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 100)) == (
        10.0,
        19.0,
        20.0,
    )
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 95) == 0.0


def test_evaluate_scores_ours_plain_and_google_side_by_side() -> None:
    # q1: ours has the answer in its 2nd chunk; plain only in an article; q2: nobody finds it.
    q1, q2 = question(qid="q1"), question(right="Denver", qid="q2")
    q1 = Question("q1", "2026-01-08", "Which city?", q1.choices, 3, google=["x", "Minneapolis"])
    bodies = {"a": "Rain in Houston.", "b": "Agents came to Minneapolis.", "c": "Sports."}
    ranked = [passage("a", "Rain in Houston."), passage("b", "Agents came to Minneapolis.")]
    calls: list[tuple[str, int, str | None]] = []

    def retrieve(text: str, n: int, clock: str | None) -> list[Passage]:
        calls.append((text, n, clock))
        return ranked if clock is None else ranked[:1]  # reading the date words drops b

    plain_calls: list[tuple[str, int]] = []

    def plain_search(text: str, n: int) -> list[PlainHit]:
        plain_calls.append((text, n))
        return [PlainHit("c", "Sports."), PlainHit("b", "Agents came on Monday.")]

    answers = {"Which city?": "Minneapolis [2]."}
    plain = Baseline(plain_search, chunks=1234, ingest_s=56.7)
    result = evaluate([q1, q2], retrieve, answers.get, bodies.get, k=5, plain=plain)
    summary = result["summary"]
    ours, theirs, google = summary["ours"], summary["plain"], summary["google"]
    assert ours["passage_recall"] == 0.5 and ours["article_recall"] == 0.5
    assert ours["mrr"] == pytest.approx((1 / 2 + 0) / 2)
    assert ours["article_recall_date_aware"] == ours["passage_recall_date_aware"] == 0.0
    assert ours["accuracy"] == 0.5  # the same reply names Minneapolis: right for q1 only
    assert calls[:2] == [("Which city?", CHUNKS, None), ("Which city?", CHUNKS, "2026-01-08")]
    assert plain_calls == [("Which city?", CHUNKS)] * 2
    assert theirs["article_recall"] == 0.5 and theirs["passage_recall"] == 0.0
    assert theirs["mrr"] == 0.0 and theirs["article_recall_date_aware"] == 0.5
    assert (theirs["chunks"], theirs["ingest_s"], theirs["accuracy"]) == (1234, 56.7, None)
    assert set(theirs) == set(ours) | {"chunks", "ingest_s"}
    assert set(google) == set(ours) and google["article_recall"] == 0.5  # q1's 2nd result
    assert google["passage_recall"] is None and google["mrr"] is None
    assert [r["passage_hit"] for r in result["questions"]] == [True, False]
    assert summary["k"] == 5 and summary["questions"] == 2 and summary["chunks_counted"] == 50


def test_questions_load_once_per_id_with_google_results_in_rank_order(tmp_path: Path) -> None:
    week = json.loads((WEEK / "20240105_qa.jsonl").read_text(encoding="utf-8").splitlines()[0])
    folder = tmp_path / "week"
    folder.mkdir()
    line = json.dumps(week)
    (folder / "20240105_qa.jsonl").write_text(f"{line}\n{line}\n\n", encoding="utf-8")
    results = [{"url": f"https://example.com/{i}", "text": f"text {i}"} for i in range(3)]
    record = {"question_id": week["question_id"], "search_result": results}
    (folder / "20240105_gcs.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    (q,) = load_questions(folder)  # a repeated line counts once
    assert (q.id, q.date, q.text) == (week["question_id"], "2024-01-05", week["question_sentence"])
    assert q.right == week["choices"][int(week["answer"][0])]
    assert q.google == ["text 0", "text 1", "text 2"]


# Google's own answer-recall@k over its per-question results, from the full folders (their
# README). 2023-H2 counts each of its 659 question ids once (20230922 repeats 10 lines): 152, 231
# and 250 hits. Its README's "@5 35.2 %, @10 38.1 %" are 232 and 251 hits, i.e. the repeated
# lines counted twice over 659 ids.
GOOGLE = {
    "2023-H2": (659, {1: 0.231, 5: 0.351, 10: 0.379}),
    "2024-01": (120, {1: 0.258, 5: 0.450, 10: 0.483}),
    "2026": (420, {1: 0.331, 5: 0.512, 10: 0.555}),
}


@pytest.mark.parametrize(
    "folder",
    [pytest.param(name, marks=pytest.mark.data(f"data/realtimeqa/{name}")) for name in GOOGLE],
)
def test_google_reference_figures_reproduce_from_the_full_folders(folder: str) -> None:
    count, figures = GOOGLE[folder]
    questions = load_questions(REALTIMEQA / folder)
    assert len(questions) == len({q.id for q in questions}) == count
    for k, expected in figures.items():
        assert round(google_recall(questions, k), 3) == expected, (folder, k)


def test_qa_eval_runs_end_to_end_on_the_fixture_week(tmp_path: Path) -> None:
    """Ten real questions, with only their own top-3 Google articles (18 with text) as corpus,
    scored for ours, the plain LangChain pipeline (built on the same articles) and Google."""
    out, data = tmp_path / "eval.json", tmp_path / "data"
    done = run_qa(
        "eval", "realtimeqa", str(WEEK), "--baseline", "plain", "--json", str(out), data_dir=data
    )  # fmt: skip
    assert "article answer-recall@5" in done.stdout and "plain LangChain" in done.stdout
    assert "building the plain LangChain baseline" in done.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    summary = result["summary"]
    keys = {
        "passage_recall", "article_recall", "mrr", "passage_recall_date_aware",
        "article_recall_date_aware", "mrr_date_aware", "accuracy", "retrieve_ms_p50",
        "retrieve_ms_p95", "answer_ms_p50", "answer_ms_p95",
    }  # fmt: skip
    ours, plain, google = summary["ours"], summary["plain"], summary["google"]
    assert set(ours) == keys | {"chunks", "ingest_s"} and set(plain) == set(ours)
    assert set(google) == keys and google["passage_recall"] is None
    assert summary["questions"] == 10 and summary["k"] == 5
    assert summary["articles"] == 18  # distinct URLs with text, first copy wins
    assert ours["ingest_s"] > 0 and ours["chunks"] > 18
    assert plain["ingest_s"] > 0 and plain["chunks"] > 18
    (cached,) = (data / "eval").glob("realtimeqa-week-plain-*")
    assert json.loads((cached / "build.json").read_text())["chunks"] == plain["chunks"]
    questions = load_questions(WEEK)
    google_figure = google_recall(questions, 5)
    assert google_figure == 0.3 and google["article_recall"] == google_figure
    assert [r["google_hit"] for r in result["questions"]].count(True) == 3
    for figures in (ours, plain):
        for key in ("passage_recall", "article_recall", "article_recall_date_aware"):
            assert round(figures[key] * 10, 9).is_integer()  # a fraction of ten questions
        # Each answer-bearing article Google found is in this small pool: both find them.
        assert figures["article_recall"] >= google_figure
    # Reusing the indexes asks again without re-ingesting or rebuilding the baseline.
    again = run_qa(
        "eval", "realtimeqa", str(WEEK), "--reuse-index", "--baseline", "plain",
        "--json", str(out), data_dir=data,
    )  # fmt: skip
    assert "added" not in again.stderr and "building" not in again.stderr
    recalled = json.loads(out.read_text(encoding="utf-8"))["summary"]
    for name in ("ours", "plain"):
        for key in ("article_recall", "passage_recall", "mrr", "chunks", "ingest_s"):
            assert recalled[name][key] == summary[name][key], (name, key)


def test_qa_eval_refuses_an_unknown_baseline(tmp_path: Path) -> None:
    done = run_qa(
        "eval", "realtimeqa", str(WEEK), "--baseline", "bm25", data_dir=tmp_path / "data",
        check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "unknown baseline 'bm25'" in done.stderr
    assert not (tmp_path / "data").exists()

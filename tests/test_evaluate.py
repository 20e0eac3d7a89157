"""`qa eval`'s metric code on hand-made cases, Google's reference figures, and a real tiny run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.evaluate import (
    Question,
    distinct_articles,
    evaluate,
    google_recall,
    load_questions,
    names_only_right_choice,
    percentile,
    recall_at,
    reciprocal_rank,
)
from qa.models import Passage
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


def test_evaluate_scores_passages_articles_dates_and_answers() -> None:
    # q1: the answer is in the 2nd passage, from the 2nd article; q2: never retrieved.
    q1, q2 = question(qid="q1"), question(right="Denver", qid="q2")
    bodies = {"a": "Rain in Houston.", "b": "Agents came to Minneapolis.", "c": "Sports."}
    ranked = [passage("a", "Rain in Houston."), passage("b", "Agents came to Minneapolis.")]
    calls: list[tuple[str, int, str | None]] = []

    def retrieve(text: str, n: int, until: str | None) -> list[Passage]:
        calls.append((text, n, until))
        return ranked if until is None else ranked[:1]  # the date limit drops article b

    answers = {"Which city?": "Minneapolis [2]."}
    result = evaluate([q1, q2], retrieve, answers.get, bodies.get, k=5)
    ours = result["summary"]["ours"]
    assert ours["passage_recall"] == 0.5 and ours["article_recall"] == 0.5
    assert ours["mrr"] == pytest.approx((1 / 2 + 0) / 2)
    assert ours["article_recall_dated"] == 0.0
    assert ours["accuracy"] == 0.5  # the same reply names Minneapolis: right for q1 only
    assert calls[:2] == [("Which city?", 15, None), ("Which city?", 15, "2026-01-08")]
    assert [r["passage_hit"] for r in result["questions"]] == [True, False]
    assert result["summary"]["k"] == 5 and result["summary"]["questions"] == 2


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
    """Ten real questions, with only their own top-3 Google articles (18 with text) as corpus."""
    out = tmp_path / "eval.json"
    done = run_qa("eval", "realtimeqa", str(WEEK), "--json", str(out), data_dir=tmp_path / "data")
    assert "article answer-recall@5" in done.stdout
    result = json.loads(out.read_text(encoding="utf-8"))
    summary = result["summary"]
    assert set(summary["ours"]) >= {
        "passage_recall", "article_recall", "mrr", "accuracy", "retrieve_ms_p50",
        "retrieve_ms_p95", "answer_ms_p50", "answer_ms_p95", "article_recall_dated",
    }  # fmt: skip
    assert summary["questions"] == 10 and summary["k"] == 5
    assert summary["articles"] == 18  # distinct URLs with text, first copy wins
    questions = load_questions(WEEK)
    google = google_recall(questions, 5)
    assert google == 0.3 and summary["google"]["article_recall"] == google
    assert [r["google_hit"] for r in result["questions"]].count(True) == 3
    for key in ("passage_recall", "article_recall", "article_recall_dated", "accuracy"):
        assert round(summary["ours"][key] * 10, 9).is_integer()  # a fraction of ten questions
    # Each answer-bearing article Google found is in this small pool: ours finds them too.
    assert summary["ours"]["article_recall"] >= google
    # Reusing the index asks again without re-ingesting.
    again = run_qa(
        "eval", "realtimeqa", str(WEEK), "--reuse-index", "--json", str(out),
        data_dir=tmp_path / "data",
    )  # fmt: skip
    assert "added" not in again.stderr
    recalled = json.loads(out.read_text(encoding="utf-8"))["summary"]["ours"]
    assert recalled["article_recall"] == summary["ours"]["article_recall"]

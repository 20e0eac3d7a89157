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
from tests.conftest import REALTIMEQA, run_qa


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


@pytest.mark.parametrize(
    ("folder", "figures"),
    [("2024-01", {1: 0.258, 5: 0.450, 10: 0.483}), ("2026", {1: 0.331, 5: 0.512, 10: 0.555})],
)
def test_google_reference_figures_reproduce_from_the_files(folder: str, figures: dict) -> None:
    questions = load_questions(REALTIMEQA / folder)
    assert len(questions) == {"2024-01": 120, "2026": 420}[folder]
    for k, expected in figures.items():
        assert round(google_recall(questions, k), 3) == expected


def test_qa_eval_runs_end_to_end_on_a_tiny_folder(tmp_path: Path) -> None:
    """Two real questions, with only their own top-3 Google articles as the corpus."""
    week = REALTIMEQA / "2024-01"
    folder = tmp_path / "tiny"
    folder.mkdir()
    qa_lines = (week / "20240105_qa.jsonl").read_text(encoding="utf-8").splitlines()[:2]
    ids = {json.loads(line)["question_id"] for line in qa_lines}
    gcs = []
    for line in (week / "20240105_gcs.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["question_id"] in ids:
            record["search_result"] = record["search_result"][:3]
            gcs.append(json.dumps(record))
    (folder / "20240105_qa.jsonl").write_text("\n".join(qa_lines) + "\n", encoding="utf-8")
    (folder / "20240105_gcs.jsonl").write_text("\n".join(gcs) + "\n", encoding="utf-8")
    out = tmp_path / "eval.json"
    done = run_qa("eval", "realtimeqa", str(folder), "--json", str(out), data_dir=tmp_path / "data")
    assert "article answer-recall@5" in done.stdout
    result = json.loads(out.read_text(encoding="utf-8"))
    summary = result["summary"]
    assert set(summary["ours"]) >= {
        "passage_recall", "article_recall", "mrr", "accuracy", "retrieve_ms_p50",
        "retrieve_ms_p95", "answer_ms_p50", "answer_ms_p95", "article_recall_dated",
    }  # fmt: skip
    assert summary["questions"] == 2 and summary["k"] == 5
    assert 0 < summary["articles"] <= 6
    google = google_recall(load_questions(folder), 5)
    assert summary["google"]["article_recall"] == google
    for key in ("passage_recall", "article_recall", "article_recall_dated", "accuracy"):
        assert summary["ours"][key] in (0.0, 0.5, 1.0)  # a fraction of two questions
    assert [r["google_hit"] for r in result["questions"]].count(True) == google * 2
    # Reusing the index asks again without re-ingesting.
    again = run_qa(
        "eval", "realtimeqa", str(folder), "--reuse-index", "--json", str(out),
        data_dir=tmp_path / "data",
    )  # fmt: skip
    assert "added" not in again.stderr
    recalled = json.loads(out.read_text(encoding="utf-8"))["summary"]["ours"]
    assert recalled["article_recall"] == summary["ours"]["article_recall"]

"""The untuned model's baselines, which the tuned knowledge base is measured against, and their command."""

from __future__ import annotations

import json

from assistant.knowledge.__main__ import main
from assistant.knowledge.baselines import score_baselines
from assistant.knowledge.question_bank import Question, write_questions

BANK = [Question(text, "card_arrival") for text in ("my card hasn't arrived", "where is my new card",
                                                     "the card you posted never came")] + \
       [Question(text, "exchange_rate") for text in ("what exchange rate do you use", "how much is a euro in pounds",
                                                      "what rate will I get for dollars")]


def test_a_question_already_in_the_bank_gets_its_own_topic_from_both_baselines() -> None:
    scores = score_baselines(BANK, [Question("where is my new card", "card_arrival"),
                                    Question("what exchange rate do you use", "exchange_rate")])
    assert (scores.nearest_neighbour_top1, scores.logistic_regression_top1) == (1.0, 1.0)


def test_a_question_labelled_with_another_topic_counts_as_a_miss() -> None:
    scores = score_baselines(BANK, [Question("where is my new card", "exchange_rate")])
    assert scores.nearest_neighbour_top1 == 0.0


def test_the_command_refuses_a_file_without_the_labels(tmp_path, capsys) -> None:
    path = tmp_path / "questions.csv"
    path.write_text("text\nwhere is my card\n")
    code = main(["baselines", str(path)])
    assert (code, "missing category" in capsys.readouterr().err) == (1, True)


def test_the_command_writes_its_scores_as_json(tmp_path) -> None:
    path = tmp_path / "questions.csv"
    path.write_text("text,category\nmy card hasn't come yet,card_arrival\n")
    bank = write_questions(tmp_path / "bank.csv", BANK)
    main(["baselines", str(path), "--bank", str(bank), "--json", str(tmp_path / "out.json")])
    assert set(json.loads((tmp_path / "out.json").read_text())) >= {"nearest_neighbour_top1", "logistic_regression_top1"}

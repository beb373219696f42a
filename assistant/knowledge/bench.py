"""The knowledge base's figures for `make bench`: retrieval on the held-out BANKING77 questions."""

from __future__ import annotations

from assistant.knowledge import question_bank
from assistant.knowledge.baselines import score_baselines
from assistant.knowledge.evaluation import evaluate
from assistant.knowledge.index import load_index


def bench_knowledge() -> dict:
    """Top-1, recall@3, MRR, abstention and per-query latency on the held-out questions (none were indexed), with
    the untuned model's baselines on the same questions."""
    source = question_bank.banking77_train_csv()
    if not source.exists():
        return {"skipped": f"BANKING77 training file not found at {source} (set BANKING77_DIR)"}
    _bank, held_out = question_bank.split(question_bank.read_questions(source))
    bank = question_bank.read_questions(question_bank.QUESTION_BANK)
    return {**evaluate(load_index(), held_out).as_dict(), "source": "seeded 20% of the BANKING77 training split",
            "baselines": score_baselines(bank, held_out).as_dict()}

"""`python -m assistant.knowledge tune | build | query TEXT | split | eval FILE.csv | baselines FILE.csv`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from assistant.bench_results import publish
from assistant.knowledge import question_bank
from assistant.knowledge.index import build_index, index_dir, load_index


def _tune(args: argparse.Namespace) -> int:
    from assistant.knowledge.tuning import tune_model

    model, retrained = tune_model(force=args.force)
    print(f"embedding model {'tuned' if retrained else 'up to date'} in {model}")
    return 0


def _build(args: argparse.Namespace) -> int:
    if not args.base_model:
        _tune(args)
    folder, rebuilt = build_index(force=args.force)
    manifest = load_index(folder, warm=False).manifest
    print(f"knowledge index {'built' if rebuilt else 'up to date'} in {folder} "
          f"(answer threshold {manifest.get('threshold')})")
    return 0


def _query(args: argparse.Namespace) -> int:
    from assistant.knowledge.retriever import search

    answer = search(load_index(), args.text, k=args.k)
    for hit in answer.hits:
        print(f"{hit.score:.3f}  {hit.article_id}  {hit.title}")
    if answer.confident:
        print(f"\n{answer.best.answer}\n(source: {answer.best.title} [{answer.best.article_id}])")
    else:
        print("\nnot confident enough to answer: the customer would be offered these titles")
    return 0


def _split(args: argparse.Namespace) -> int:
    source = question_bank.banking77_train_csv()
    if not source.exists():
        print(f"BANKING77 training file not found at {source} (set BANKING77_DIR)", file=sys.stderr)
        return 1
    bank, held_out = question_bank.split(question_bank.read_questions(source))
    path = question_bank.write_questions(question_bank.held_out_csv(), held_out)
    question_bank.write_questions(question_bank.QUESTION_BANK, bank)
    print(f"{len(held_out)} held-out questions in {path}; {len(bank)} in {question_bank.QUESTION_BANK}")
    return 0


def _score_file(args: argparse.Namespace, scorer: Callable[[list[question_bank.Question]], dict]) -> int:
    """Score the labelled questions in args.file; print the scores as JSON, and write them to args.json if given."""
    if not args.file.exists():
        print(f"no such file: {args.file}", file=sys.stderr)
        return 1
    try:
        questions = question_bank.read_questions(args.file)
    except ValueError as problem:
        print(problem, file=sys.stderr)
        return 1
    publish(scorer(questions), args.json)
    return 0


def _eval(args: argparse.Namespace) -> int:
    from assistant.knowledge.evaluation import evaluate

    return _score_file(args, lambda questions: evaluate(load_index(), questions).as_dict())


def _baselines(args: argparse.Namespace) -> int:
    from assistant.knowledge.baselines import score_baselines

    bank = question_bank.read_questions(args.bank)
    return _score_file(args, lambda questions: score_baselines(bank, questions, progress=True).as_dict())


def main(argv: list[str] | None = None) -> int:
    """Run one knowledge command."""
    parser = argparse.ArgumentParser(prog="python -m assistant.knowledge")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help=f"tune the model and build the FAISS index when inputs changed ({index_dir()})")
    build.add_argument("--force", action="store_true", help="retune and rebuild even if they are current")
    build.add_argument("--base-model", action="store_true", help="skip tuning (an existing tuned model is still used)")
    build.set_defaults(handler=_build)
    tune = commands.add_parser("tune", help="tune the embedding model on the question bank when its inputs changed")
    tune.add_argument("--force", action="store_true", help="retune even if the tuned model is current")
    tune.set_defaults(handler=_tune)
    query = commands.add_parser("query", help="ask the knowledge base a question")
    query.add_argument("text")
    query.add_argument("-k", type=int, default=3)
    query.set_defaults(handler=_query)
    commands.add_parser("split", help="write the seeded held-out BANKING77 questions").set_defaults(handler=_split)
    evaluation = commands.add_parser("eval", help="score retrieval on a text,category CSV file")
    evaluation.add_argument("file", type=Path)
    evaluation.add_argument("--json", type=Path, help="also write the scores here")
    evaluation.set_defaults(handler=_eval)
    baselines = commands.add_parser("baselines", help="score the untuned model's nearest-neighbour and logistic "
                                                      "regression baselines on a text,category CSV file")
    baselines.add_argument("file", type=Path)
    baselines.add_argument("--json", type=Path, help="also write the scores here")
    baselines.add_argument("--bank", type=Path, default=question_bank.QUESTION_BANK,
                           help="the labelled questions the baselines learn from (default: the question bank)")
    baselines.set_defaults(handler=_baselines)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())

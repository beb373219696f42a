"""The dialogue tests with the model loaded once: test stories, then the separate NLU test set.

`rasa test --stories ... --nlu ...` loads the model once for the stories and again for the NLU set (tens of
seconds each on 2 cores); this runs both on one loaded agent and writes the same reports into the same folder, so
`python -m assistant.dialogue_report` reads them as before.

Usage (Rasa's virtualenv): python -m dialogue.evaluate MODEL STORIES NLU OUT
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path


async def evaluate(model: Path, stories: Path, nlu: Path, out: Path) -> None:
    """Run the test stories (failing on a prediction error) and the NLU evaluation on one loaded agent."""
    from rasa.core.agent import Agent
    from rasa.core.test import test as test_stories
    from rasa.nlu.test import run_evaluation

    out.mkdir(parents=True, exist_ok=True)
    agent = Agent.load(model_path=str(model))
    # The same options `rasa test` uses by default, so the reports are the ones it writes.
    await test_stories(str(stories), agent, out_directory=str(out), fail_on_prediction_errors=True,
                       errors=True, warnings=True)
    await run_evaluation(str(nlu), agent.processor, output_directory=str(out), errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("stories", type=Path)
    parser.add_argument("nlu", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if not sys.stderr.isatty():
        # Rasa draws its progress bars only while it logs at INFO: keep CI logs to warnings and the report.
        os.environ["LOG_LEVEL"] = "WARNING"
    from rasa.core.test import WrongPredictionException
    from rasa.utils.common import configure_logging_and_warnings

    configure_logging_and_warnings(logging.INFO if sys.stderr.isatty() else logging.WARNING)

    try:
        asyncio.run(evaluate(args.model, args.stories, args.nlu, args.out))
    except WrongPredictionException as wrong:
        print(f"a test story failed: {wrong}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Where a service's CPU went, from a sampling profile: `python -m assistant.load.profile_shares STACKS.txt`.

STACKS.txt is py-spy's collapsed output (`py-spy record --format raw --pid PID -d 30 -o STACKS.txt` while
`make bench-load` runs). Each sample is charged to the first category in CATEGORIES that any of its frames matches:
TensorFlow running inside TEDPolicy counts as TEDPolicy, and a tracker-store query made inside a policy counts as
the tracker store.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

# In priority order; the patterns are file paths as py-spy prints them.
CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("jsonschema (validating action responses)", ("jsonschema/",)),
    ("tracker store (SQLAlchemy)", ("rasa/core/tracker_store.py", "sqlalchemy/", "sqlite3")),
    ("TEDPolicy", ("rasa/core/policies/ted_policy.py",)),
    ("DIETClassifier", ("rasa/nlu/classifiers/diet_classifier.py",)),
    ("featurisation", ("rasa/nlu/featurizers/", "rasa/core/featurizers/", "rasa/nlu/tokenizers/")),
    ("memoisation and rules", ("rasa/core/policies/memoization.py", "rasa/core/policies/rule_policy.py")),
    ("HTTP to the action server", ("aiohttp/", "yarl/", "multidict/", "rasa/utils/endpoints.py")),
    ("event and tracker (de)serialisation", ("rasa/shared/core/events.py", "rasa/shared/core/trackers.py", "json/")),
    ("TensorFlow (outside the two models)", ("tensorflow/", "keras/")),
    ("other Rasa", ("rasa/",)),
    ("Sanic (serving the gateway's calls)", ("sanic/", "uvloop", "httptools")),
)
OTHER = "other"


def category_of(frames: list[str]) -> str:
    """The category a sample's frames are charged to."""
    for name, patterns in CATEGORIES:
        if any(pattern in frame for frame in frames for pattern in patterns):
            return name
    return OTHER


def shares(lines: list[str]) -> dict[str, float]:
    """Each category's share of the samples, largest first, from collapsed stack lines ("a;b;c 12")."""
    counts: Counter[str] = Counter()
    for line in lines:
        stack, _, count = line.rstrip().rpartition(" ")
        if stack and count.isdigit():
            counts[category_of(stack.split(";"))] += int(count)
    total = sum(counts.values()) or 1
    return {name: round(count / total, 3) for name, count in counts.most_common()}


def main(argv: list[str] | None = None) -> int:
    """Print the categories' shares of a collapsed profile as JSON."""
    parser = argparse.ArgumentParser(prog="python -m assistant.load.profile_shares", description=__doc__.splitlines()[0])
    parser.add_argument("stacks", type=Path, help="py-spy's --format raw output")
    args = parser.parse_args(argv)
    if not args.stacks.exists():
        print(f"no profile at {args.stacks}", file=sys.stderr)
        return 1
    print(json.dumps(shares(args.stacks.read_text(errors="replace").splitlines()), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

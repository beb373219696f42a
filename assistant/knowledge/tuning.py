"""Teaching the embedding model how customers phrase each topic, on the CPU, from the committed question bank.

The base all-MiniLM-L6-v2 puts "my card hasn't come" near "my transfer hasn't come": it knows English, not our
topics. A short contrastive fine-tune on the question bank pulls each topic's phrasings together and pushes the
other topics away. The tuned model is saved under BUILD_DIR with a manifest and retrained only when its inputs
(question bank, articles' example questions, base model, recipe) change.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from assistant.knowledge.articles import ARTICLES_DIR, Article, load_articles
from assistant.knowledge.embedder import base_model_path
from assistant.knowledge.question_bank import QUESTION_BANK, Question, read_questions, split
from assistant.progress import progress_bar
from assistant.settings import get_settings

MANIFEST_FILE = "tuning.json"
# Questions kept out of training so the answer threshold is calibrated on phrasings the model never saw.
CALIBRATION_SHARE = 0.1
CALIBRATION_SEED = 11


@dataclass(frozen=True)
class Recipe:
    """How the model is tuned; changing any field retrains it."""

    version: int = 3
    epochs: int = 2
    batch_size: int = 48  # pairs, so 96 questions a step
    learning_rate: float = 5e-5
    warmup_share: float = 0.1
    max_tokens: int = 48
    scale: float = 20.0
    seed: int = 7


def tuned_model_dir() -> Path:
    """Where the tuned model lives (under BUILD_DIR, which git ignores)."""
    return get_settings().build_dir / "knowledge" / "model"


@dataclass(frozen=True)
class LabelledQuestion:
    """A customer phrasing and the article (or, without one, the BANKING77 topic) it belongs to."""

    text: str
    label: str


def labelled_questions(articles: list[Article], bank: list[Question]) -> list[LabelledQuestion]:
    """Every training phrasing with its label: the covering article's id, else the bank's own topic."""
    article_for = {a.banking77: a.id for a in articles if a.banking77}
    rows = [LabelledQuestion(q.text, article_for.get(q.category, q.category)) for q in bank]
    rows += [LabelledQuestion(text, a.id) for a in articles for text in a.questions]
    return rows


def tuning_split(bank: list[Question]) -> tuple[list[Question], list[Question]]:
    """(train, calibration): the same share of every topic kept for calibration, fixed by a seed."""
    return split(bank, share=CALIBRATION_SHARE, seed=CALIBRATION_SEED)


def fingerprint(articles: list[Article], bank_path: Path, base: Path, recipe: Recipe) -> dict:
    """What the tuned model depends on."""
    questions = hashlib.sha256(json.dumps(sorted((a.id, a.banking77 or "", list(a.questions))
                                                 for a in articles)).encode()).hexdigest()
    return {
        "base_model": base.name,
        "question_bank": hashlib.sha256(bank_path.read_bytes()).hexdigest() if bank_path.exists() else None,
        "article_questions": questions,
        "recipe": asdict(recipe),
    }


def is_current(folder: Path, expected: dict) -> bool:
    """True when the model in `folder` was tuned from exactly these inputs."""
    manifest = folder / MANIFEST_FILE
    if not manifest.exists():
        return False
    recorded = json.loads(manifest.read_text())
    return {key: recorded.get(key) for key in expected} == expected


Pair = tuple[LabelledQuestion, LabelledQuestion]


def _pairs(rows: list[LabelledQuestion], rng: random.Random) -> list[Pair]:
    """Every phrasing once, paired with another phrasing of its topic (a topic's odd one out pairs twice)."""
    by_label: dict[str, list[LabelledQuestion]] = defaultdict(list)
    for row in rows:
        by_label[row.label].append(row)
    pairs: list[Pair] = []
    for group in by_label.values():
        if len(group) < 2:
            continue
        rng.shuffle(group)
        # Neighbours in length make pairs whose padding matches (see _batches).
        group.sort(key=lambda row: len(row.text))
        pairs += [(group[i], group[i + 1]) for i in range(0, len(group) - 1, 2)]
        if len(group) % 2:
            pairs.append((group[-1], group[-2]))
    return pairs


def _batches(rows: list[LabelledQuestion], size: int, rng: random.Random) -> list[list[Pair]]:
    """Shuffled batches of `size` pairs, no topic twice in a batch, and pairs of similar length together.

    A batch is padded to its longest question, so mixing a 60-token question with 10-token ones wastes most of
    the work; batching within bands of similar length makes tuning several times faster.
    """
    pairs = sorted(_pairs(rows, rng), key=lambda pair: len(pair[0].text) + len(pair[1].text))
    band_size = size * 8
    batches: list[list[Pair]] = []
    carried: list[Pair] = []
    for start in range(0, len(pairs) + band_size, band_size):
        pending = carried + pairs[start:start + band_size]
        last_band = start + band_size >= len(pairs)
        rng.shuffle(pending)
        carried = []
        while pending:
            batch, seen, rest = [], set(), []
            for pair in pending:
                if len(batch) < size and pair[0].label not in seen:
                    batch.append(pair)
                    seen.add(pair[0].label)
                else:
                    rest.append(pair)
            # Part-filled batches wait for the next band of lengths, except at the very end.
            if len(batch) < size and not last_band:
                carried = pending
                break
            if len(batch) > 1:
                batches.append(batch)
            pending = rest if len(batch) > 1 else []
        if last_band:
            break
    rng.shuffle(batches)
    return batches


def train(rows: list[LabelledQuestion], out: Path, recipe: Recipe = Recipe(), base: Path | None = None,
          progress: bool = True) -> float:
    """Fine-tune the base model on labelled phrasings and save it to `out`; returns the last epoch's mean loss."""
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(recipe.seed)
    rng = random.Random(recipe.seed)
    model = SentenceTransformer(str(base or base_model_path()), device="cpu")
    # Customers' questions are short; the few long ones keep their meaning in the first tokens.
    model.max_seq_length = recipe.max_tokens
    optimiser = torch.optim.AdamW(model.parameters(), lr=recipe.learning_rate)
    steps = recipe.epochs * len(_batches(rows, recipe.batch_size, random.Random(recipe.seed)))
    warmup = max(1, int(steps * recipe.warmup_share))
    # Linear warm-up then linear decay: the usual schedule for fine-tuning a pretrained encoder.
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min((step + 1) / warmup, max(0.0, (steps - step) / max(1, steps - warmup))))
    model.train()
    mean_loss = 0.0
    for epoch in range(recipe.epochs):
        batches = _batches(rows, recipe.batch_size, rng)
        losses = []
        for batch in progress_bar(batches, desc=f"tuning the embedding model (epoch {epoch + 1}/{recipe.epochs})",
                                  enabled=progress, unit="batch"):
            # One pass embeds both sides of every pair; each side must find its partner among the batch's other
            # topics, in both directions.
            vectors = torch.nn.functional.normalize(
                _forward(model, [a.text for a, _ in batch] + [b.text for _, b in batch]), dim=-1)
            left, right = vectors[:len(batch)], vectors[len(batch):]
            logits = left @ right.T * recipe.scale
            targets = torch.arange(len(batch))
            loss = (torch.nn.functional.cross_entropy(logits, targets)
                    + torch.nn.functional.cross_entropy(logits.T, targets)) / 2
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            losses.append(float(loss.item()))
        mean_loss = sum(losses) / max(len(losses), 1)
    model.eval()
    out.mkdir(parents=True, exist_ok=True)
    model.save(str(out))
    return mean_loss


def _forward(model, texts: list[str]):
    features = model.preprocess(texts) if hasattr(model, "preprocess") else model.tokenize(texts)
    return model(features)["sentence_embedding"]


def tune_model(folder: Path | None = None, articles_dir: Path = ARTICLES_DIR, bank_path: Path = QUESTION_BANK,
               recipe: Recipe = Recipe(), force: bool = False, progress: bool = True) -> tuple[Path, bool]:
    """Tune the model unless it is current; returns (model folder, whether it was retrained)."""
    folder = folder or tuned_model_dir()
    base = base_model_path()
    articles = load_articles(articles_dir)
    expected = fingerprint(articles, bank_path, base, recipe)
    if not force and is_current(folder, expected):
        return folder, False
    bank = read_questions(bank_path) if bank_path.exists() else []
    training, _calibration = tuning_split(bank)
    rows = labelled_questions(articles, training)
    started = time.perf_counter()
    loss = train(rows, folder, recipe, base, progress)
    manifest = {**expected, "trained_on": len(rows), "final_loss": round(loss, 4),
                "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "train_seconds": round(time.perf_counter() - started, 1)}
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1))
    return folder, True

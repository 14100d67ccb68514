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
import scipy.sparse as sp
from django.conf import settings

# The shape of everything: one row per text, float32, unit length (or all zeros for a text with no tokens).
DTYPE = np.float32
MODEL_CONFIG = "l2_supercat"
# The only width whose weights the wheel contains; smaller widths are its first columns.
MODEL_DIMENSIONS = 256
# Texts tokenized and pooled at a time.
BATCH_SIZE = 256

_model: Any = None
_model_lock = threading.Lock()


def dimensions() -> int:
    return int(settings.EMBEDDING_DIMENSIONS)


def model_name() -> str:
    """What a stored vector was computed with; a vector of another name is recomputed, never compared."""
    return f"wordllama-{MODEL_CONFIG}-{dimensions()}"


def _load_model() -> Any:
    # Imported here: wordllama configures the root logger at import, which must come after Django's own
    # logging configuration, and a process that never embeds should not pay for loading it.
    import wordllama
    from wordllama import WordLlama

    package_folder = Path(wordllama.__file__).parent
    loaded = WordLlama.load(
        config=MODEL_CONFIG, cache_dir=package_folder, dim=MODEL_DIMENSIONS, disable_download=True
    )
    # Texts are pooled one by one below, so a batch is never padded to its longest abstract.
    loaded.tokenizer.no_padding()
    return loaded


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


def _table(width: int) -> np.ndarray:
    """The token table's first `width` columns, contiguous (kept per width: settings may change in tests)."""
    loaded = model()
    tables: dict[int, np.ndarray] = loaded.__dict__.setdefault("_papershelf_tables", {})
    if width not in tables:
        tables[width] = np.ascontiguousarray(loaded.embedding[:, :width], dtype=DTYPE)
    return tables[width]


def embed_texts(texts: Sequence[str]) -> np.ndarray:
    """Embed ``texts`` as a float32 array of shape (len(texts), EMBEDDING_DIMENSIONS), rows of unit length.

    The mean of the text's token vectors, as wordllama's own ``embed`` computes it, written as one sparse
    (texts x vocabulary) matrix of token frequencies times the token table: the library pads every text of
    a batch to the longest one and sums over the padding. Mean pooling is linear, so pooling the table's
    first EMBEDDING_DIMENSIONS columns equals pooling the full vectors and then truncating them."""
    width = dimensions()
    result = np.zeros((len(texts), width), dtype=DTYPE)
    tokenizer = model().tokenizer
    table = _table(width)
    for start in range(0, len(texts), BATCH_SIZE):
        encoded = tokenizer.encode_batch(list(texts[start : start + BATCH_SIZE]), add_special_tokens=False)
        lengths = np.array([len(encoding.ids) for encoding in encoded], dtype=np.int64)
        if not lengths.any():
            continue
        ids = np.concatenate([np.asarray(encoding.ids, dtype=np.int64) for encoding in encoded])
        np.clip(ids, 0, table.shape[0] - 1, out=ids)
        rows = np.repeat(np.arange(len(encoded)), lengths)
        weights = (1.0 / np.maximum(lengths, 1)).astype(DTYPE)[rows]
        frequencies = sp.csr_matrix((weights, (rows, ids)), shape=(len(encoded), table.shape[0]))
        result[start : start + len(encoded)] = frequencies @ table
    return normalise_rows(result)


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

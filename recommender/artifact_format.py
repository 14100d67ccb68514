"""A fitted model as one bytes blob (an ``.npz`` of plain arrays) and back, with no pickle.

The blob is what a ModelVersion stores through Django's storage API; loading it needs numpy, scipy and
scikit-learn only, and ``allow_pickle=False`` means a tampered artifact cannot run code.
"""

from __future__ import annotations

import io
from typing import BinaryIO

import numpy as np
import scipy.sparse as sp

from recommender.features import TextFeatures
from recommender.train import RecommenderModel, RecommenderSettings

FORMAT_VERSION = 1


def _text(value: str) -> np.ndarray:
    return np.frombuffer(value.encode(), dtype=np.uint8)


def _sparse_arrays(name: str, matrix: sp.csr_matrix) -> dict[str, np.ndarray]:
    return {
        f"{name}.data": matrix.data,
        f"{name}.indices": matrix.indices,
        f"{name}.indptr": matrix.indptr,
        f"{name}.shape": np.asarray(matrix.shape, dtype=np.int64),
    }


def _sparse(name: str, arrays: dict[str, np.ndarray]) -> sp.csr_matrix:
    shape = tuple(int(n) for n in arrays[f"{name}.shape"])
    return sp.csr_matrix(
        (arrays[f"{name}.data"], arrays[f"{name}.indices"], arrays[f"{name}.indptr"]), shape=shape
    )


def write_model(model: RecommenderModel, file: BinaryIO) -> None:
    """Write the model to an open binary file (a temporary file before handing it to storage)."""
    arrays: dict[str, np.ndarray] = {
        "format_version": np.array(FORMAT_VERSION),
        "settings": _text(model.settings.to_json()),
        "popularity": model.popularity,
        "recency": model.recency,
        **model.features.to_arrays(),
        **_sparse_arrays("item_features", model.item_features),
        **_sparse_arrays("co_saves", model.co_saves),
    }
    np.savez(file, allow_pickle=False, **arrays)


def read_model(file: BinaryIO) -> RecommenderModel:
    with np.load(file, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    version = int(arrays["format_version"])
    if version != FORMAT_VERSION:
        raise ValueError(f"model artifact format {version} is not supported (expected {FORMAT_VERSION})")
    settings = RecommenderSettings.from_json(arrays["settings"].tobytes().decode())
    return RecommenderModel(
        settings=settings,
        features=TextFeatures.from_arrays(settings.features, arrays),
        item_features=_sparse("item_features", arrays),
        co_saves=_sparse("co_saves", arrays),
        popularity=arrays["popularity"],
        recency=arrays["recency"],
    )


def model_to_bytes(model: RecommenderModel) -> bytes:
    """The whole artifact in memory; prefer ``write_model`` to a file for catalogue-sized models."""
    buffer = io.BytesIO()
    write_model(model, buffer)
    return buffer.getvalue()


def model_from_bytes(blob: bytes) -> RecommenderModel:
    return read_model(io.BytesIO(blob))

"""Model artifacts through Django's storage API, and the serving model each process keeps loaded.

An artifact is the fitted model (recommender.artifact_format, no pickle) plus the paper ids of its columns.
Any web or worker process can load any version from the shared storage; the in-process cache is only a
copy keyed by version id, so a process that never saw the training run still serves the same model.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

import numpy as np
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from recommender.artifact_format import model_from_bytes, model_to_bytes
from recommender.dataset import load_catalogue
from recommender.models import ModelVersion
from recommender.train import RecommenderModel, add_items

ARTIFACT_DIR = "recommender"


@dataclass(frozen=True)
class ServingModel:
    version_id: int
    artifact: str
    model: RecommenderModel
    paper_ids: np.ndarray  # int64 ascending: column j of the model is paper paper_ids[j]

    def columns(self, paper_ids: list[int]) -> np.ndarray:
        ids = np.asarray(paper_ids, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.paper_ids, ids), max(len(self.paper_ids) - 1, 0))
        return np.where(self.paper_ids[pos] == ids, pos, -1) if len(self.paper_ids) else pos - 1


def save_artifact(version: ModelVersion, model: RecommenderModel, paper_ids: np.ndarray) -> None:
    buffer = io.BytesIO()
    np.savez(
        buffer,
        allow_pickle=False,
        model=np.frombuffer(model_to_bytes(model), dtype=np.uint8),
        paper_ids=np.asarray(paper_ids, dtype=np.int64),
    )
    blob = buffer.getvalue()
    version.artifact = default_storage.save(f"{ARTIFACT_DIR}/model-{version.pk}.npz", ContentFile(blob))
    version.artifact_bytes = len(blob)


def read_artifact(version: ModelVersion) -> ServingModel:
    with default_storage.open(version.artifact, "rb") as handle:
        blob = handle.read()
    with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
        model = model_from_bytes(npz["model"].tobytes())
        paper_ids = npz["paper_ids"]
    return ServingModel(version.pk, version.artifact, model, paper_ids)


def delete_artifact(version: ModelVersion) -> None:
    if version.artifact and default_storage.exists(version.artifact):
        default_storage.delete(version.artifact)


_cache: dict[str, ServingModel] = {}
_lock = threading.Lock()


def serving_model(version: ModelVersion) -> ServingModel:
    """The version's model, extended with papers imported since it was trained (scored by content)."""
    with _lock:
        base = _cache.get("base")
        if base is None or (base.version_id, base.artifact) != (version.pk, version.artifact):
            base = read_artifact(version)
            _cache.clear()
            _cache["base"] = base
        newest = int(base.paper_ids[-1]) if len(base.paper_ids) else 0
        extended = _cache.get("extended")
        fresh = load_catalogue(after_id=int(extended.paper_ids[-1]) if extended else newest)
        if not len(fresh.paper_ids):
            return extended or base
        current = extended or base
        model = add_items(current.model, fresh.texts, item_age_days=fresh.age_days)
        extended = ServingModel(
            version.pk, version.artifact, model, np.concatenate([current.paper_ids, fresh.paper_ids])
        )
        _cache["extended"] = extended
        return extended


def forget_loaded_models() -> None:
    with _lock:
        _cache.clear()

from __future__ import annotations

import pytest

from recommender import artifact_store


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Model artifacts in a fresh media folder, and no model cached from another test."""
    settings.MEDIA_ROOT = tmp_path
    artifact_store.forget_loaded_models()
    yield
    artifact_store.forget_loaded_models()

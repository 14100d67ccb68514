from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


def _recommendation_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    from papers import page_cache

    page_cache.touch_viewer(instance.user_id)


def _model_version_saved(sender: Any, **kwargs: Any) -> None:
    from papers import page_cache

    # The switch to a new model changes every feed and every similar-papers list.
    page_cache.touch_catalogue()


class RecommenderConfig(AppConfig):
    name = "recommender"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from papers.signals import user_signals_changed
        from recommender.models import ModelVersion, Recommendation
        from recommender.outbox import on_user_signals_changed

        user_signals_changed.connect(on_user_signals_changed, dispatch_uid="recommender-rerank")
        # Stored pages (papers.page_cache) show rankings: single-row writes (tests, the admin) drop them
        # here; the re-rank's and the nightly run's bulk writes drop them where they write.
        post_save.connect(_recommendation_saved, sender=Recommendation, dispatch_uid="page-cache-rec")
        post_save.connect(_model_version_saved, sender=ModelVersion, dispatch_uid="page-cache-version")

from __future__ import annotations

from django.apps import AppConfig


class RecommenderConfig(AppConfig):
    name = "recommender"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from papers.signals import user_signals_changed
        from recommender.outbox import on_user_signals_changed

        user_signals_changed.connect(on_user_signals_changed, dispatch_uid="recommender-rerank")

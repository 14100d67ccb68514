"""Migration 0008 on a catalogue imported before it: rows kept, authors and code links filled in, and the
import-day listing of undated page captures taken back."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("papers", "0007_digest_claimed")]
AFTER = [("papers", "0008_catalogue_truth")]


def migrate(targets: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_papers_are_kept_and_filled_in():
    apps = migrate(BEFORE)
    Paper = apps.get_model("papers", "Paper")
    today = timezone.now().date()

    def paper(title: str, **fields):
        values = {"title_key": title.lower(), "source": "hf_page", "authors": [], "categories": []}
        return Paper.objects.create(title=title, **(values | fields))

    captured_today = paper("Toy Models of Superposition", listed_on=today)
    dated_page = paper("URHand", listed_on=datetime.date(2025, 10, 20))
    from_json = paper(
        "Mixtral of experts",
        source="hf_json",
        arxiv_id="2401.04088",
        listed_on=today,
        authors=["Albert Q. Jiang", "Alexandre Sablayrolles"],
        abstract="Code: https://github.com/mistralai/mistral-src.",
    )
    try:
        apps = migrate(AFTER)
        Paper = apps.get_model("papers", "Paper")
        PaperAuthor = apps.get_model("papers", "PaperAuthor")

        assert Paper.objects.count() == 3
        assert Paper.objects.get(pk=captured_today.pk).listed_on is None
        assert Paper.objects.get(pk=dated_page.pk).listed_on == datetime.date(2025, 10, 20)
        mixtral = Paper.objects.get(pk=from_json.pk)
        assert mixtral.listed_on == today, "only page captures lose their import-day listing"
        assert mixtral.code_url == "https://github.com/mistralai/mistral-src"
        assert list(
            PaperAuthor.objects.filter(paper_id=mixtral.pk).order_by("position").values_list("name", "key")
        ) == [("Albert Q. Jiang", "albert q jiang"), ("Alexandre Sablayrolles", "alexandre sablayrolles")]
        assert mixtral.published_precision == "day"
    finally:
        # Back to the newest migrations, for the tests that come after.
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

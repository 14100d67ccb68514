from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

TINY = Path(__file__).resolve().parent.parent / "fixtures" / "citeulike_tiny"
KEYS = {f"recall@{m}" for m in (50, 100, 150, 200, 250, 300)}


@pytest.mark.parametrize("train_per_user", [1, 10])
def test_it_prints_one_json_object_with_recall_for_the_ranker_and_the_baselines(train_per_user):
    out = io.StringIO()
    call_command(
        "evaluate_recommender", dataset=str(TINY), train_per_user=train_per_user, json=True, stdout=out
    )
    result = json.loads(out.getvalue())
    assert set(result) == KEYS | {"baselines"}
    assert set(result["baselines"]) == {"random", "most_popular"}
    for values in (result, result["baselines"]["random"], result["baselines"]["most_popular"]):
        assert all(0.0 <= values[key] <= 1.0 for key in KEYS)


def test_it_prints_a_table_without_json():
    out = io.StringIO()
    call_command("evaluate_recommender", dataset=str(TINY), train_per_user=1, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["method", *sorted(KEYS, key=lambda k: int(k.split("@")[1]))]
    assert [line.split()[0] for line in lines[1:4]] == ["ranker", "random", "most_popular"]


def test_it_refuses_a_directory_without_items(tmp_path):
    with pytest.raises(CommandError, match=r"no items\.jsonl"):
        call_command("evaluate_recommender", dataset=str(tmp_path), train_per_user=1, json=True)


def test_it_reports_a_malformed_split_line(tmp_path):
    (tmp_path / "splits_cvae").mkdir()
    (tmp_path / "items.jsonl").write_text((TINY / "items.jsonl").read_text())
    (tmp_path / "splits_cvae" / "cf-train-1-users.dat").write_text("2 0\n")
    (tmp_path / "splits_cvae" / "cf-test-1-users.dat").write_text("1 1\n")
    with pytest.raises(CommandError, match="count 2 but 1 item ids"):
        call_command("evaluate_recommender", dataset=str(tmp_path), train_per_user=1, json=True)

"""Reading the CiteULike-a benchmark (items.jsonl and the CVAE user splits) into plain lists."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from recommender.features import PaperText


@dataclass(frozen=True)
class CiteULikeSplit:
    papers: list[PaperText]
    train: list[list[int]]  # per user, item ids
    test: list[list[int]]


def read_user_lines(path: Path, n_items: int) -> list[list[int]]:
    """Lines of ``<count> <item id> ...``; a count that disagrees with the ids is an error."""
    users: list[list[int]] = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        fields = line.split()
        if not fields:
            users.append([])
            continue
        try:
            count, *ids = (int(f) for f in fields)
        except ValueError as error:
            raise ValueError(f"{path}:{number}: not a list of integers") from error
        if count != len(ids):
            raise ValueError(f"{path}:{number}: count {count} but {len(ids)} item ids")
        if any(not 0 <= i < n_items for i in ids):
            raise ValueError(f"{path}:{number}: item id outside 0..{n_items - 1}")
        users.append(ids)
    return users


def read_items(path: Path) -> list[PaperText]:
    papers: dict[int, PaperText] = {}
    # Not splitlines(): titles contain U+2028 and friends, which it would treat as line breaks.
    lines = path.read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            papers[int(row["id"])] = PaperText(title=row["title"], abstract=row.get("abstract") or "")
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}:{number}: expected a JSON object with id and title") from error
    if sorted(papers) != list(range(len(papers))):
        raise ValueError(f"{path}: item ids must be 0..{len(papers) - 1} with no gaps")
    return [papers[i] for i in range(len(papers))]


def load_citeulike(directory: Path | str, train_per_user: int) -> CiteULikeSplit:
    directory = Path(directory)
    papers = read_items(directory / "items.jsonl")
    splits = directory / "splits_cvae"
    train = read_user_lines(splits / f"cf-train-{train_per_user}-users.dat", len(papers))
    test = read_user_lines(splits / f"cf-test-{train_per_user}-users.dat", len(papers))
    if len(train) != len(test):
        raise ValueError(f"train has {len(train)} users but test has {len(test)}")
    return CiteULikeSplit(papers=papers, train=train, test=test)

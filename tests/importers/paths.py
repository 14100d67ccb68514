"""Where the test inputs live: the real shared data files and our small fixtures."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings

# The shared, read-only data every checkout has next to it (see ../shared/README.md).
SHARED = Path(settings.BASE_DIR).parent / "shared"
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
HF_JSON_753 = SHARED / "data" / "hf_daily_papers_753.json"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ARXIV_JSONL_50 = FIXTURES / "arxiv_cs_abstracts_first50.jsonl.gz"
# The reference date the seed pages' year-less dates are resolved against.
TODAY = datetime.date(2026, 11, 22)


def seed(prefix: str) -> Path:
    """The seed page whose file name starts with `prefix` (e.g. "001")."""
    return next(path for path in SEEDS if path.name.startswith(prefix))

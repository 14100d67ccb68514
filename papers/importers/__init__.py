"""Bring papers into the catalogue from the formats we meet: one module per format, one shared writer.

import_file(path, *, today=None, progress=False) -> ImportReport
import_records(records, *, origin, today=None) -> ImportReport
"""

from __future__ import annotations

from papers.importers.files import ImportFileError, import_file
from papers.importers.records import FormatError, InvalidRecord, Malformed, PaperRecord, ParsedItem
from papers.importers.report import ImportReport, Rejection
from papers.importers.upsert import import_records, known_papers_only

__all__ = [
    "FormatError",
    "ImportFileError",
    "ImportReport",
    "InvalidRecord",
    "Malformed",
    "PaperRecord",
    "ParsedItem",
    "Rejection",
    "import_file",
    "import_records",
    "known_papers_only",
]

"""Import a file of papers, whatever its format: the format is read from the content, not the name.

A file that cannot be read as one of the formats (missing, empty, binary, truncated JSON, corrupt gzip,
XML that is not an Atom feed, plain text that is not a Daily Papers page) raises `ImportFileError` before
anything is written. Within a readable file, each malformed record is rejected on its own.
"""

from __future__ import annotations

import codecs
import datetime
import gzip
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.utils import timezone
from tqdm import tqdm

from papers.importers.arxiv_atom import looks_like_xml, parse_arxiv_atom
from papers.importers.arxiv_jsonl import looks_like_arxiv_jsonl, parse_arxiv_jsonl
from papers.importers.hf_json import parse_hf_json
from papers.importers.hf_page import looks_like_hf_page, parse_hf_page
from papers.importers.records import FormatError, ParsedItem
from papers.importers.report import ImportReport
from papers.importers.upsert import import_records

GZIP_MAGIC = b"\x1f\x8b"
# Enough to hold the first line of any JSON-lines file we know (the longest arXiv record is 56 kB).
HEAD_BYTES = 1 << 20
PROGRESS_MIN_BYTES = 1_000_000
FORMATS = "a Hugging Face Daily Papers page, Daily Papers JSON, arXiv JSON lines or an arXiv Atom feed"


class ImportFileError(Exception):
    """The file was rejected whole; nothing of it was written."""


def import_file(
    path: str | Path, *, today: datetime.date | None = None, progress: bool = False
) -> ImportReport:
    """Import every paper in `path` and report what happened.

    `today` is the reference date for page dates without a year (default: today); `progress` shows a
    progress bar on stderr for files over a megabyte.
    """
    path = Path(path)
    origin = str(path)
    today = today or timezone.localdate()
    try:
        items, total = _parse(path, today=today)
    except FormatError as error:
        raise ImportFileError(f"{origin}: {error}") from None
    except OSError as error:
        raise ImportFileError(f"{origin}: cannot read the file: {error.strerror or error}") from None
    show_progress = progress and path.stat().st_size >= PROGRESS_MIN_BYTES
    with tqdm(items, total=total, disable=not show_progress, unit=" records", desc=path.name) as bar:
        # The parsers never touch the database, so reading ahead in a worker thread is safe.
        return import_records(bar, origin=origin, today=today, read_ahead=True)


def _parse(path: Path, *, today: datetime.date) -> tuple[Iterable[ParsedItem], int | None]:
    """The file's records (lazily for JSON lines) and how many lines or records to expect."""
    with path.open("rb") as stream:
        head = stream.read(HEAD_BYTES)
    compressed = head.startswith(GZIP_MAGIC)
    line_count = None
    if compressed:
        # Read the whole stream once before writing anything: a corrupt archive is rejected whole.
        try:
            line_count = _count_lines(path, compressed)
        except (OSError, EOFError, zlib.error) as error:
            raise FormatError(f"corrupt or truncated gzip data: {error}") from None
        with gzip.open(path, "rb") as stream:
            head = stream.read(HEAD_BYTES)
    text_head = _decode_head(head, complete=len(head) < HEAD_BYTES).lstrip()
    if not text_head:
        raise FormatError("the file is empty")
    if looks_like_xml(text_head):
        items: list[ParsedItem] = parse_arxiv_atom(_read_text(path, compressed))
        return items, len(items)
    if text_head[0] in "{[":
        if looks_like_arxiv_jsonl(text_head.split("\n", 1)[0]):
            if line_count is None:
                line_count = _count_lines(path, compressed)
            return parse_arxiv_jsonl(_binary_lines(path, compressed)), line_count
        items = parse_hf_json(_read_text(path, compressed))
        return items, len(items)
    if looks_like_hf_page(text_head):
        items = list(parse_hf_page(_read_text(path, compressed), today=today))
        return items, len(items)
    if "\ufffd" in text_head:
        # A first line that happens to decode says nothing about the rest of a binary file.
        raise FormatError(f"not UTF-8 text; expected {FORMATS}")
    raise FormatError(f"unrecognised format; expected {FORMATS}")


def _decode_head(head: bytes, *, complete: bool) -> str:
    """The start of the file as text, for recognising its format; `FormatError` if it is binary."""
    first_line, newline, _rest = head.partition(b"\n")
    if b"\x00" in head:
        raise FormatError(f"binary data, not text; expected {FORMATS}")
    try:
        # Only the first line must be clean here: in JSON lines a later bad line is one rejected record.
        # Unless it is the whole file, the head may also end inside a character; that is not an error.
        codecs.getincrementaldecoder("utf-8-sig")().decode(first_line, final=complete or bool(newline))
    except UnicodeDecodeError as error:
        raise FormatError(f"not UTF-8 text (byte {error.start}); expected {FORMATS}") from None
    return head.decode("utf-8-sig", errors="replace")


def _read_text(path: Path, compressed: bool) -> str:
    data = gzip.decompress(path.read_bytes()) if compressed else path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FormatError(f"not UTF-8 text (byte {error.start})") from None


def _binary_lines(path: Path, compressed: bool) -> Iterator[bytes]:
    with gzip.open(path, "rb") if compressed else path.open("rb") as stream:
        yield from stream


def _count_lines(path: Path, compressed: bool) -> int:
    count = 0
    with gzip.open(path, "rb") if compressed else path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            count += chunk.count(b"\n")
    return count

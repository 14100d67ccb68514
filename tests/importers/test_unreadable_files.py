"""Files that cannot be read as any format are rejected whole, with a message saying why."""

from __future__ import annotations

import gzip
import random

import pytest

from papers.importers import ImportFileError, import_file
from papers.models import Paper
from tests.importers.paths import TODAY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"  \n\n\t \n", "the file is empty"),
        (gzip.compress(b""), "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data, not text"),
        (random.Random(4096).randbytes(4096).replace(b"\x00", b"\x01"), "not UTF-8 text"),
        (b"ok\n" + bytes(range(128, 256)) * 8, "not UTF-8 text"),
        (b"\x1f\x8b\x08\x00garbage", "corrupt or truncated gzip data"),
        (
            b'{"2401.05334": {"title": "URHand", "abstract": "Existing',
            "invalid JSON: the document ends early",
        ),
        (b"[1, 2,", "invalid JSON"),
        (b'{"a": 1} trailing', "unexpected data after the JSON document"),
        (b"title,abstract\nURHand,Existing models\n", "unrecognised format"),
        (b"42\n", "unrecognised format"),
    ],
)
def test_an_unreadable_file_is_rejected_whole(tmp_path, content, message):
    path = tmp_path / "papers.txt"
    path.write_bytes(content)

    with pytest.raises(ImportFileError, match=message) as raised:
        import_file(path, today=TODAY)

    assert str(raised.value).startswith(f"{path}: ")
    assert not Paper.objects.exists()


def test_a_missing_file_is_rejected(tmp_path):
    with pytest.raises(
        ImportFileError, match=r"missing\.json: cannot read the file: No such file or directory"
    ):
        import_file(tmp_path / "missing.json", today=TODAY)


def test_a_directory_is_rejected(tmp_path):
    with pytest.raises(ImportFileError, match="cannot read the file: Is a directory"):
        import_file(tmp_path, today=TODAY)

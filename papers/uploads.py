"""An upload handler that keeps at most UPLOAD_MAX_FILE_BYTES of any uploaded file.

Django writes an upload of any size to a temporary file before a view can look at it. This handler, first
in FILE_UPLOAD_HANDLERS, passes each file's bytes on to Django's own handlers until the file grows past
the limit, then only counts the rest while the request body is read through. Such a file reaches the view
as an `OversizedUpload`: its name and its real size, no content. The list import checks `size` before
reading, so a 50 MB file is refused with its real size and never costs 50 MB of memory or disk.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizedUpload(UploadedFile):
    """A file that was larger than UPLOAD_MAX_FILE_BYTES: `size` is real, the content was not kept."""

    def __init__(self, *, name: str, size: int, content_type: str | None, charset: str | None) -> None:
        super().__init__(io.BytesIO(b""), name, content_type, size, charset)


class SizeCappedUploadHandler(FileUploadHandler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes: int = settings.UPLOAD_MAX_FILE_BYTES
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        # None stops the chunk here: the handlers after this one never see bytes past the limit.
        return raw_data if self.received <= self.max_bytes else None

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.received <= self.max_bytes:
            return None  # the next handler completes the file as usual
        return OversizedUpload(
            name=self.file_name or "",
            size=self.received,
            content_type=self.content_type,
            charset=self.charset,
        )

"""The mail server the digest worker talks to in the fault tests."""

from __future__ import annotations

import email
import os
import time
import uuid
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

# TCP, TLS and AUTH to a distant SMTP server: the part of sending where a worker spends its time.
CONNECT_SECONDS = 0.5


class SlowServerBackend(BaseEmailBackend):
    """Connecting takes CONNECT_SECONDS; then each message is accepted (a file of its own in
    EMAIL_FILE_PATH, written and fsynced under a temporary name, then renamed) or not at all. A worker
    killed at any moment leaves every message either wholly accepted or absent, as with a real server."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.directory = Path(settings.EMAIL_FILE_PATH)
        self.connected = False

    def open(self):
        if self.connected:
            return False
        time.sleep(CONNECT_SECONDS)
        self.connected = True
        return True

    def close(self):
        self.connected = False

    def send_messages(self, email_messages):
        opened = self.open()
        for message in email_messages:
            name = f"{time.time_ns()}-{os.getpid()}-{uuid.uuid4().hex}.eml"
            partial = self.directory / f".{name}.part"
            with partial.open("wb") as handle:
                handle.write(message.message().as_bytes())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, self.directory / name)
        if opened:
            self.close()
        return len(email_messages)


def accepted_recipients(directory: Path) -> Counter[str]:
    """How many messages the server accepted for each address."""
    counts: Counter[str] = Counter()
    for path in directory.glob("*.eml"):
        counts[email.message_from_bytes(path.read_bytes())["To"]] += 1
    return counts

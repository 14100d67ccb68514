"""Email backends that fail the way real SMTP servers and workers do; all deliver to mail.outbox otherwise."""

from __future__ import annotations

import smtplib
from typing import ClassVar

from django.core.mail.backends import locmem


class FlakyBackend(locmem.EmailBackend):
    """Drops the connection the first `failures` times it is asked to send."""

    failures: ClassVar[int] = 0

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class RefusingBackend(locmem.EmailBackend):
    """Refuses every message to an address in `refused`, like a server answering 550."""

    refused: ClassVar[set[str]] = set()

    def send_messages(self, messages):
        for message in messages:
            refused = {address: (550, b"5.1.1 No such user") for address in message.recipients()}
            refused = {address: reply for address, reply in refused.items() if address in self.refused}
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
        return super().send_messages(messages)


class WorkerKilled(BaseException):
    """Stands for SIGKILL or a power cut: nothing in the task gets to handle it."""


class DyingBackend(locmem.EmailBackend):
    """The worker dies while the message is being handed over: nobody knows if it was accepted."""

    def send_messages(self, messages):
        raise WorkerKilled


class DyingWhileConnectingBackend(locmem.EmailBackend):
    """The worker dies while it connects to the mail server: nothing has been handed over yet."""

    def open(self):
        raise WorkerKilled

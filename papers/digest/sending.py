"""Send one user's digest for one period exactly once, whatever retries, duplicates and crashes happen,
except in one short window where it is settled towards not sending.

Once an SMTP server has accepted a message it cannot be taken back, and a worker that dies while handing
it over leaves no trace of whether it was accepted. "Never twice" is the promise, so that one undecidable
case counts as sent: a user may, rarely, miss a digest; nobody ever gets the same digest twice. Everything
before the handover is recoverable, and is recovered: a worker killed while rendering, claiming or
connecting to the mail server loses nothing, since the broker hands its unacknowledged task (acks_late)
to another worker, which takes the digest over.

How (the Digest row: CLAIMED -> SENDING -> SENT, or FAILED):
1. Select what is new (papers/digest/selection.py). Nothing new: nothing is sent and nothing recorded.
2. Render the message, before any claim, so a template error costs nothing.
3. Claim: insert Digest(user, period_key, status=CLAIMED) and its items in a transaction of their own.
   The unique (user, period_key) constraint makes one row per period. A run that finds the row SENDING or
   SENT stops. One that finds it CLAIMED or FAILED takes it over with a conditional UPDATE that bumps
   `attempts`: `attempts` is the claim's token, and the last claim wins. A CLAIMED row may belong to a live
   worker (a duplicate delivery of the task) or a dead one; nothing tells them apart, and nothing needs
   to, since step 4 lets only the holder of the latest claim hand the message over.
4. Connect to the mail server, then switch the row from CLAIMED to SENDING with an UPDATE conditional on
   this claim's `attempts`, committed before the message is handed over. If it matches no row, another
   worker has taken the digest over since: this one closes the connection and stops, having sent nothing.
5. Hand the message over.
   - The backend raises: it did not accept the message. The row becomes FAILED with the error and
     DigestSendFailed goes up, so the task retries with backoff; the retry takes the FAILED row over
     (step 3) and sends once.
   - It returns: the row becomes SENT at once, before the connection is closed, since a failure while
     saying goodbye to the server does not mean the message was refused.
6. The remaining window: a worker killed after the SENDING commit and before the SENT update leaves the
   row SENDING. Either the server had accepted the message (the common case: the row lags the server by
   one UPDATE) or it had not (killed during the SMTP DATA exchange, milliseconds on an open connection).
   Nothing retries a SENDING row: it counts as sent, its papers are never mailed again, and
   `send_digests --dry-run` shows it ("already sending") to operators.
"""

from __future__ import annotations

import enum
import logging
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from papers.digest.selection import DigestPaper, digest_papers, updated_saved_papers
from papers.digest.tokens import make_save_token, make_unsubscribe_token
from papers.models import Digest, DigestItem, DigestSubscription, Paper
from papers.templatetags.paper_tags import author_summary

logger = logging.getLogger(__name__)

ABSTRACT_WORDS = 60


class Outcome(enum.StrEnum):
    SENT = "sent"
    NOTHING_NEW = "nothing new"
    ALREADY_CLAIMED = "already sent for this period"
    NOT_SUBSCRIBED = "not subscribed"
    NO_ADDRESS = "no email address"


class DigestSendFailed(Exception):
    """The email backend refused the message; the claim is released so a retry can send it."""


# A digest in one of these states may be in a reader's mailbox: it is never sent again.
HANDED_OVER = (Digest.Status.SENDING, Digest.Status.SENT)


def absolute_url(path: str) -> str:
    """`path` on the public site: emails are read far from any request, so SITE_URL names the host."""
    return f"{settings.SITE_URL}{path}"


@dataclass(frozen=True)
class DigestEntry:
    title: str
    authors: str
    abstract: str
    reason: str
    # The abstract for the plain-text part: wrapped and indented under its title.
    abstract_text: str
    paper_url: str
    save_url: str


def digest_entries(user: User, recommendations: Sequence[DigestPaper]) -> list[DigestEntry]:
    entries = []
    for rec in recommendations:
        abstract = Truncator(" ".join(rec.paper.abstract.split())).words(ABSTRACT_WORDS)
        entry = DigestEntry(
            title=rec.paper.title,
            authors=author_summary(rec.paper),
            abstract=abstract,
            reason=rec.reason_text,
            abstract_text=textwrap.fill(abstract, width=72, initial_indent="   ", subsequent_indent="   "),
            paper_url=absolute_url(rec.paper.get_absolute_url()),
            save_url=absolute_url(
                reverse("papers:digest_save", args=[make_save_token(user_id=user.pk, paper_id=rec.paper_id)])
            ),
        )
        entries.append(entry)
    return entries


@dataclass(frozen=True)
class UpdatedPaper:
    title: str
    version: int
    updated_on: str
    paper_url: str


def updated_entries(papers: Sequence[Paper]) -> list[UpdatedPaper]:
    return [
        UpdatedPaper(
            title=paper.title,
            version=paper.arxiv_version or 0,
            updated_on=paper.arxiv_updated_on.strftime("%-d %b %Y") if paper.arxiv_updated_on else "",
            paper_url=absolute_url(paper.get_absolute_url()),
        )
        for paper in papers
    ]


def build_message(
    *,
    user: User,
    subscription: DigestSubscription,
    recommendations: Sequence[DigestPaper],
    updated: Sequence[Paper] = (),
) -> mail.EmailMultiAlternatives:
    unsubscribe_url = absolute_url(
        reverse("papers:digest_unsubscribe", args=[make_unsubscribe_token(user_id=user.pk)])
    )
    count = len(recommendations)
    context = {
        "user": user,
        "entries": digest_entries(user, recommendations),
        "updated": updated_entries(updated),
        "frequency": subscription.get_frequency_display().lower(),
        "unsubscribe_url": unsubscribe_url,
        "settings_url": absolute_url(reverse("papers:digest_settings")),
        "site_url": settings.SITE_URL,
    }
    message = mail.EmailMultiAlternatives(
        subject=(
            f"{count} new paper{pluralize(count)} for you · Papershelf {context['frequency']} digest"
            if count
            else f"New versions of papers you saved · Papershelf {context['frequency']} digest"
        ),
        body=render_to_string("digest/email.txt", context),
        to=[user.email],
        headers={
            # RFC 2369 and RFC 8058: mail clients offer "Unsubscribe", and POST to the URL in one click.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # RFC 3834: no vacation auto-replies to a digest.
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string("digest/email.html", context), "text/html")
    return message


@dataclass(frozen=True)
class DigestPreview:
    """What send_digest would do now (SENT: it would send these papers), without doing it."""

    outcome: Outcome
    recommendations: list[DigestPaper]
    claimed: Digest | None = None
    updated: list[Paper] | None = None


def preview_digest(*, subscription: DigestSubscription, period_key: str) -> DigestPreview:
    user = subscription.user
    claimed = Digest.objects.filter(user=user, period_key=period_key, status__in=HANDED_OVER).first()
    if claimed is not None:
        return DigestPreview(Outcome.ALREADY_CLAIMED, [], claimed)
    if not user.email:
        return DigestPreview(Outcome.NO_ADDRESS, [])
    recommendations = digest_papers(user, size=subscription.size)
    updated = updated_saved_papers(user)
    outcome = Outcome.SENT if recommendations or updated else Outcome.NOTHING_NEW
    return DigestPreview(outcome, recommendations, updated=updated)


def send_digest(*, user_id: int, period_key: str) -> Outcome:
    subscription = (
        DigestSubscription.objects.select_related("user")
        .filter(user_id=user_id, enabled=True, user__is_active=True)
        .first()
    )
    if subscription is None:
        return Outcome.NOT_SUBSCRIBED
    user = subscription.user
    if not user.email:
        return Outcome.NO_ADDRESS
    # Cheap early exit for the common rerun; the claim below is what actually decides.
    if Digest.objects.filter(user=user, period_key=period_key, status__in=HANDED_OVER).exists():
        return Outcome.ALREADY_CLAIMED
    recommendations = digest_papers(user, size=subscription.size)
    updated = updated_saved_papers(user)
    if not recommendations and not updated:
        return Outcome.NOTHING_NEW
    message = build_message(
        user=user, subscription=subscription, recommendations=recommendations, updated=updated
    )
    digest = claim_digest(user=user, period_key=period_key, recommendations=recommendations)
    if digest is None or not hand_over(digest, message):
        return Outcome.ALREADY_CLAIMED
    logger.info("digest %s sent to user %s: %d papers", period_key, user.pk, len(recommendations))
    return Outcome.SENT


def claim_digest(*, user: User, period_key: str, recommendations: Sequence[DigestPaper]) -> Digest | None:
    """The Digest row this worker now claims (status CLAIMED, items written), or None if it is already
    being handed over or sent. The claim holds only until another run takes the row over: `hand_over`
    sends only for the latest claim."""
    now = timezone.now()
    try:
        with transaction.atomic():
            digest = Digest.objects.create(user=user, period_key=period_key, claimed_at=now)
            _write_items(digest, recommendations)
            return digest
    except IntegrityError:
        pass
    with transaction.atomic():
        reclaimed = Digest.objects.filter(
            user=user, period_key=period_key, status__in=[Digest.Status.CLAIMED, Digest.Status.FAILED]
        ).update(status=Digest.Status.CLAIMED, claimed_at=now, attempts=F("attempts") + 1, error="")
        if not reclaimed:
            return None
        # Our UPDATE holds the row until commit, so this reads the `attempts` of our claim.
        digest = Digest.objects.get(user=user, period_key=period_key)
        # The feed may have moved since the earlier attempt: record what this attempt sends.
        digest.items.all().delete()
        _write_items(digest, recommendations)
        return digest


def _write_items(digest: Digest, recommendations: Sequence[DigestPaper]) -> None:
    DigestItem.objects.bulk_create(
        DigestItem(digest=digest, paper_id=rec.paper_id, rank=rank)
        for rank, rec in enumerate(recommendations, start=1)
    )


def hand_over(digest: Digest, message: mail.EmailMultiAlternatives) -> bool:
    """Send `digest`'s message if this worker still holds the latest claim; False if another took it over.

    Raises DigestSendFailed (the row is FAILED) when the mail server cannot be reached or refuses.
    """
    claim = Digest.objects.filter(pk=digest.pk, status=Digest.Status.CLAIMED, attempts=digest.attempts)
    connection = mail.get_connection()
    try:
        # Connecting (TCP, TLS, AUTH) is most of the time a send takes; the digest is still only claimed,
        # so a worker killed here loses nothing: the task's next delivery takes the digest over.
        connection.open()
    except Exception as error:
        if not claim.update(status=Digest.Status.FAILED, error=_error_text(error)):
            return False
        raise DigestSendFailed(f"digest {digest.period_key} for user {digest.user_id}: {error}") from error
    # The point of no return, committed before the first byte of the message leaves.
    if not claim.update(status=Digest.Status.SENDING):
        _close(connection, digest)
        return False
    try:
        accepted = connection.send_messages([message])
        if not accepted:
            raise DigestSendFailed("the email backend accepted no message")
    except Exception as error:
        Digest.objects.filter(pk=digest.pk).update(status=Digest.Status.FAILED, error=_error_text(error))
        raise DigestSendFailed(f"digest {digest.period_key} for user {digest.user_id}: {error}") from error
    Digest.objects.filter(pk=digest.pk).update(status=Digest.Status.SENT, sent_at=timezone.now())
    _close(connection, digest)
    return True


def _error_text(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _close(connection: BaseEmailBackend, digest: Digest) -> None:
    try:
        connection.close()
    except Exception:
        logger.warning("digest %s: closing the email connection failed", digest.pk, exc_info=True)

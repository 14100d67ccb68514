"""Signed links in digest emails: unsubscribe, and save a paper to Read later, without logging in.

Each purpose has its own salt, so a save link can never unsubscribe and the other way round. The token
carries the ids and the time it was made (django.core.signing); it is checked again on the POST.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core import signing

SAVE_SALT = "papers.digest.save"
UNSUBSCRIBE_SALT = "papers.digest.unsubscribe"
# A save link is for this digest's papers, read within days. An unsubscribe link must keep working
# for as long as someone may dig an old digest out of their mailbox.
SAVE_MAX_AGE = datetime.timedelta(days=14)
UNSUBSCRIBE_MAX_AGE = datetime.timedelta(days=90)


class InvalidLink(Exception):
    """The token was altered, made for another purpose, or is not a token at all."""


class ExpiredLink(InvalidLink):
    """The token is genuine but older than its purpose allows."""


@dataclass(frozen=True)
class SaveRequest:
    user_id: int
    paper_id: int


def make_save_token(*, user_id: int, paper_id: int) -> str:
    return signing.dumps({"u": user_id, "p": paper_id}, salt=SAVE_SALT)


def make_unsubscribe_token(*, user_id: int) -> str:
    return signing.dumps({"u": user_id}, salt=UNSUBSCRIBE_SALT)


def read_save_token(token: str) -> SaveRequest:
    payload = _load(token, salt=SAVE_SALT, max_age=SAVE_MAX_AGE)
    return SaveRequest(user_id=_id(payload, "u"), paper_id=_id(payload, "p"))


def read_unsubscribe_token(token: str) -> int:
    """The user id in a genuine, unexpired unsubscribe token."""
    return _id(_load(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE), "u")


def _load(token: str, *, salt: str, max_age: datetime.timedelta) -> dict[str, object]:
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise ExpiredLink(str(error)) from error
    except (signing.BadSignature, ValueError) as error:
        raise InvalidLink(str(error)) from error
    if not isinstance(payload, dict):
        raise InvalidLink("not a link payload")
    return payload


def _id(payload: dict[str, object], key: str) -> int:
    value = payload.get(key)
    # bool is an int; a genuine token never holds one, but nothing unexpected passes as an id.
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidLink(f"no {key!r} in the link")
    return value

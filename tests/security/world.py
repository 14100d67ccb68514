"""The world the URL crawl and the URL fuzz run in: alice owns private data (a private list with a note,
a shared list, an upvote, a hidden paper, her feed token), bob is another user, and its fillers say how to
fill every path argument of the URL configuration with a real value, by the argument's name.

`world` (tests/security/conftest.py) builds it for one test.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from papers.accounts.views.signup import SIGNUP_TOKEN_SALT
from papers.alerts.operations import author_follow
from papers.lists.exports import FORMATS
from papers.lists.operations import default_reading_list, reading_list_share
from papers.lists.votes import paper_dismiss, paper_upvote
from papers.models import Alert, AlertMatch, Profile, ReadingList, ReadingListItem
from tests.factories import PaperFactory, UserFactory

# Each model's keys in a range of its own (rows created later follow on from them), so a list's id is never
# also a paper's or one of bob's, and a nine-digit item id in a page cannot be a coincidence.
PAPER_PK, OTHER_PAPER_PK = 610_000_001, 610_000_002
PRIVATE_LIST_PK, SHARED_LIST_PK = 620_000_001, 620_000_002
PRIVATE_ITEM_PK, SHARED_ITEM_PK = 734_019_281, 734_019_282
PRIVATE_ALERT_PK = 640_000_001
PRIVATE_PKS = frozenset({PRIVATE_LIST_PK, SHARED_LIST_PK, PRIVATE_ITEM_PK, SHARED_ITEM_PK})

# Alice's private data: none of it may be in a response to bob or a stranger, whatever the URL.
ALICE_EMAIL = "alice.zephyr@example.org"
PRIVATE_TEXTS = (
    "Zephyr shelf 7Q3",  # her private list's name
    "Zephyr description 4K1",  # its description
    "Zephyr note 9W2",  # her note on its item
    "Zephyr shared-list note 5T8",  # her note on an item of her shared list (shared pages show no notes)
    ALICE_EMAIL,
    str(PRIVATE_ITEM_PK),
    str(SHARED_ITEM_PK),
    "Zephyr alert 2M6",  # her saved search's name
)


@dataclass
class World:
    alice: User
    bob: User
    # How to fill each path argument, by its name: every value is tried.
    fillers: dict[str, list[Any]]
    # Secrets that must not leak, unless the URL itself carries them.
    tokens: tuple[str, ...]
    # A URL carrying this is alice's own access (her private feeds and exports): not a leak check.
    feed_token: str

    def client(self, visitor: str, **kwargs: Any) -> Client:
        client = Client(**kwargs)
        if visitor != "anonymous":
            client.force_login(self.alice if visitor == "alice" else self.bob)
        return client


def build_world() -> World:
    alice = UserFactory(username="alice", email=ALICE_EMAIL)
    bob = UserFactory(username="bob", email="bob.other@example.org")
    paper = PaperFactory(pk=PAPER_PK, arxiv_id="2401.55555", title="Grid cells in public")
    other = PaperFactory(pk=OTHER_PAPER_PK, arxiv_id=None, title="A paper known only by its title")
    private_list = ReadingList.objects.create(
        pk=PRIVATE_LIST_PK, owner=alice, name=PRIVATE_TEXTS[0], description=PRIVATE_TEXTS[1]
    )
    shared_list = ReadingList.objects.create(pk=SHARED_LIST_PK, owner=alice, name="Alice's public shelf")
    ReadingListItem.objects.create(
        pk=PRIVATE_ITEM_PK, reading_list=private_list, paper=paper, note=PRIVATE_TEXTS[2], status="reading"
    )
    ReadingListItem.objects.create(
        pk=SHARED_ITEM_PK, reading_list=shared_list, paper=other, note=PRIVATE_TEXTS[3], position=1
    )
    share_token = reading_list_share(reading_list=shared_list)
    default_reading_list(alice)
    paper_upvote(user=alice, paper=paper)
    paper_dismiss(user=alice, paper=PaperFactory(title="A paper alice hid"))
    author_follow(user=alice, name="Ada Lovelace")
    Alert.objects.create(
        pk=PRIVATE_ALERT_PK, user=alice, kind=Alert.Kind.SEARCH, name=PRIVATE_TEXTS[7], query="grid cells"
    )
    AlertMatch.objects.create(alert_id=PRIVATE_ALERT_PK, paper=paper)
    feed_token = Profile.for_user(alice).feed_token
    reset_token = default_token_generator.make_token(alice)
    signup_token = signing.dumps(
        {"u": "carol", "e": "carol@example.org", "n": ""}, salt=SIGNUP_TOKEN_SALT, compress=True
    )
    fillers: dict[str, list[Any]] = {
        "pk": [PAPER_PK, OTHER_PAPER_PK, PRIVATE_LIST_PK, PRIVATE_ITEM_PK, SHARED_LIST_PK, PRIVATE_ALERT_PK],
        "slug": ["ada-lovelace"],
        "arxiv_id": [paper.arxiv_id, f"{paper.arxiv_id}v2"],
        "day": [datetime.date(2024, 1, 10)],
        "fmt": list(FORMATS),
        "token": [share_token, feed_token, reset_token, signup_token],
        "share_token": [share_token],
        "feed_token": [feed_token],
        "uidb64": [urlsafe_base64_encode(force_bytes(alice.pk))],
        # The admin's arguments (crawled anonymously).
        "app_label": ["papers"],
        "object_id": [str(PRIVATE_LIST_PK)],
        "id": [alice.pk],
        "content_type_id": [ContentType.objects.get_for_model(ReadingList).pk],
        "url": ["no-such-admin-page/"],
    }
    return World(alice, bob, fillers, (share_token, feed_token, reset_token), feed_token)

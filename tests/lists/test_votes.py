from __future__ import annotations

import threading

import pytest
from django.db import connection

from papers.lists.votes import paper_dismiss, paper_undismiss, paper_unvote, paper_upvote
from papers.models import Dismissal, Paper, Upvote
from tests.factories import PaperFactory, UserFactory


@pytest.mark.django_db
def test_an_upvote_counts_once_and_clicking_again_removes_it():
    user, paper = UserFactory(), PaperFactory()

    assert paper_upvote(user=user, paper=paper) is True
    assert paper_upvote(user=user, paper=paper) is False
    paper.refresh_from_db()
    assert paper.upvote_count == 1

    assert paper_unvote(user=user, paper=paper) is True
    assert paper_unvote(user=user, paper=paper) is False
    paper.refresh_from_db()
    assert paper.upvote_count == 0
    assert not Upvote.objects.exists()


@pytest.mark.django_db
def test_dismissing_twice_keeps_one_row_and_undo_removes_it():
    user, paper = UserFactory(), PaperFactory()
    paper_dismiss(user=user, paper=paper)
    paper_dismiss(user=user, paper=paper)
    assert Dismissal.objects.filter(user=user, paper=paper).count() == 1
    paper_undismiss(user=user, paper=paper)
    assert not Dismissal.objects.exists()


def _in_threads(count, target):
    barrier = threading.Barrier(count)
    errors = []

    def run(i):
        try:
            barrier.wait(timeout=10)
            target(i)
        except Exception as exc:  # collected and re-raised in the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_upvotes_from_one_user_leave_exactly_one():
    if connection.vendor != "postgresql":
        pytest.skip("real write concurrency needs PostgreSQL; SQLite serialises writers")
    user, paper = UserFactory(), PaperFactory()

    _in_threads(20, lambda i: paper_upvote(user=user, paper=Paper.objects.get(pk=paper.pk)))

    paper.refresh_from_db()
    assert Upvote.objects.filter(user=user, paper=paper).count() == 1
    assert paper.upvote_count == 1


@pytest.mark.django_db(transaction=True)
def test_fifty_users_upvoting_one_paper_at_once_are_all_counted():
    if connection.vendor != "postgresql":
        pytest.skip("real write concurrency needs PostgreSQL; SQLite serialises writers")
    users = [UserFactory() for _ in range(50)]
    paper = PaperFactory()

    _in_threads(50, lambda i: paper_upvote(user=users[i], paper=Paper.objects.get(pk=paper.pk)))

    paper.refresh_from_db()
    assert Upvote.objects.filter(paper=paper).count() == 50
    assert paper.upvote_count == 50

"""A user's own data: everything Papershelf keeps about them as one JSON document, and deleting all of it.

The document names papers by arXiv id, DOI, title and URL, not only by our database ids, so it is useful
on its own (and could be imported elsewhere) after the account is gone.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from papers.models import DigestSubscription, Dismissal, Paper, Profile, ReadingList, ReadingListItem, Upvote

FORMAT_VERSION = 1


def account_data(user: User) -> dict[str, Any]:
    """Everything about `user`: account, reading lists with items, upvotes, dismissals, onboarding topics
    and digest settings.

    The feed token is left out on purpose: it is a password for the private export URLs, and a
    downloaded file travels further than the account page.
    """
    lists = []
    items_by_list: dict[int, list[dict[str, Any]]] = {}
    items = (
        ReadingListItem.objects.filter(reading_list__owner=user)
        .select_related("paper")
        .defer("paper__search_vector", "paper__abstract")
        .order_by("reading_list_id", "position", "-added_at", "-pk")
    )
    for item in items:
        items_by_list.setdefault(item.reading_list_id, []).append(
            {
                "paper": _paper(item.paper),
                "status": item.status,
                "note": item.note,
                "position": item.position,
                "added_at": item.added_at,
                "status_changed_at": item.status_changed_at,
            }
        )
    for reading_list in ReadingList.objects.filter(owner=user).order_by("-is_default", "name", "pk"):
        lists.append(
            {
                "name": reading_list.name,
                "description": reading_list.description,
                "is_default": reading_list.is_default,
                "is_shared": reading_list.share_token is not None,
                "created_at": reading_list.created_at,
                "updated_at": reading_list.updated_at,
                "items": items_by_list.get(reading_list.pk, []),
            }
        )
    return {
        "format": "papershelf-account-export",
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "reading_lists": lists,
        "upvotes": _paper_events(Upvote.objects.filter(user=user).order_by("created_at", "pk")),
        "dismissals": _paper_events(Dismissal.objects.filter(user=user).order_by("created_at", "pk")),
        "onboarding": _onboarding(user),
        "digest": _digest(user),
    }


def _onboarding(user: User) -> dict[str, Any]:
    """The topics (their terms) picked or typed at onboarding, which shape the feed."""
    profile = Profile.objects.filter(user=user).only("interests", "onboarded_at").first()
    return {
        "topics": list(profile.interests or []) if profile else [],
        "onboarded_at": profile.onboarded_at if profile else None,
    }


def _digest(user: User) -> dict[str, Any] | None:
    """The email digest settings; None for a reader who never opened them."""
    subscription = DigestSubscription.objects.filter(user=user).first()
    if subscription is None:
        return None
    return {
        "enabled": subscription.enabled,
        "frequency": subscription.frequency,
        "hour": subscription.hour,
        "weekday": subscription.weekday,
        "time_zone": subscription.time_zone,
        "papers_per_email": subscription.size,
        "updated_at": subscription.updated_at,
    }


def account_delete(*, user: User) -> None:
    """Delete the user and everything that is theirs; their upvotes leave the papers' counts."""
    with transaction.atomic():
        # Locking the user row first makes the count exact: an upvote being recorded right now either
        # committed before the lock (and is subtracted below) or waits for it and then fails on the
        # missing user. Upvote rows cascade away without touching the denormalized count, hence this.
        list(get_user_model()._default_manager.select_for_update().filter(pk=user.pk).values_list("pk"))
        Paper.objects.filter(upvotes__user=user).update(upvote_count=F("upvote_count") - 1)
        user.delete()


def _paper(paper: Paper) -> dict[str, Any]:
    return {
        "arxiv_id": paper.arxiv_id or "",
        "doi": paper.doi,
        "title": paper.title,
        "authors": paper.authors,
        "url": paper.arxiv_abs_url or paper.url,
    }


def _paper_events(rows: QuerySet[Upvote] | QuerySet[Dismissal]) -> list[dict[str, Any]]:
    rows = rows.select_related("paper").defer("paper__search_vector", "paper__abstract")
    return [{"paper": _paper(row.paper), "created_at": row.created_at} for row in rows]

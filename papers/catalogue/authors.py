"""Author pages: every spelling of a name is one author (`author_key`), addressed by the key with its
spaces as hyphens (`/authors/lukasz-kaiser/`). The key is made of word characters and single spaces
(punctuation, hyphens included, folds to a space), so the slug reads back unambiguously."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.urls import reverse

from papers.models import PaperAuthor, author_key

# Papers on an author's page; a prolific name pages like any listing.
SPELLINGS_READ = 50


def author_slug(name: str) -> str:
    return author_key(name).replace(" ", "-")


def key_from_slug(slug: str) -> str:
    return slug.replace("-", " ")


def author_url(name: str) -> str:
    """The author page of `name`; empty for a "name" with no key (punctuation alone)."""
    slug = author_slug(name)
    return reverse("papers:author", args=[slug]) if slug else ""


@dataclass(frozen=True)
class Author:
    key: str
    name: str  # the commonest spelling in the catalogue

    @property
    def slug(self) -> str:
        return self.key.replace(" ", "-")

    @property
    def url(self) -> str:
        return reverse("papers:author", args=[self.slug])

    @classmethod
    def find(cls, slug: str) -> Author | None:
        """The author of this slug, named as most of their papers spell it; None when no paper has
        them. One query on the (key, paper) index."""
        key = key_from_slug(slug)
        if not key or key != author_key(key):
            return None
        names = list(PaperAuthor.objects.filter(key=key).values_list("name", flat=True)[:SPELLINGS_READ])
        if not names:
            return None
        return cls(key=key, name=Counter(names).most_common(1)[0][0])

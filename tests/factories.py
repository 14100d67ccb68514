from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model

from papers.models import Paper, ReadingList, ReadingListItem


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper

    arxiv_id = factory.Sequence(lambda n: f"2401.{n:05d}")
    title = factory.Sequence(lambda n: f"A study of neural systems number {n}")
    abstract = "We study how neural systems learn, with experiments on several benchmarks."
    authors = factory.LazyFunction(lambda: ["Ada Lovelace", "Alan Turing"])
    categories = factory.LazyFunction(lambda: ["cs.LG"])
    published_on = datetime.date(2024, 1, 10)
    listed_on = datetime.date(2024, 1, 10)
    source_upvotes = 0
    source = Paper.Source.ARXIV_API


class ReadingListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadingList

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Reading list {n}")


class ReadingListItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadingListItem

    reading_list = factory.SubFactory(ReadingListFactory)
    paper = factory.SubFactory(PaperFactory)
    position = factory.Sequence(lambda n: n)

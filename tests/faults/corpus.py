"""A generated catalogue and readership, big enough that a training run does real work for a few seconds.

Written with bulk inserts (no per-row signals): the tests need committed rows fast, not the upvote view.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from papers.lists.operations import default_reading_list, reading_list_add
from papers.models import Paper, Upvote

TOPICS = [
    "spiking neurons surrogate gradient neuromorphic plasticity synapse temporal coding",
    "protein folding structure residues backbone sequence design enzyme",
    "graph message passing molecules nodes edges attention chemistry",
    "translation multilingual tokens attention decoder encoder corpus",
    "robot control policy reinforcement locomotion grasping reward",
    "diffusion denoising image generation sampling score latent",
    "retrieval documents ranking queries dense embeddings index",
    "speech audio acoustic recognition waveform phoneme speaker",
]


def make_papers(count: int, *, seed: int = 6) -> list[Paper]:
    rng = random.Random(seed)
    day = datetime.date(2024, 1, 10)
    papers = []
    for n in range(count):
        words = TOPICS[n % len(TOPICS)].split()
        title = " ".join(rng.sample(words, 4)).capitalize() + f" {n}"
        abstract = "We study " + " ".join(rng.choice(words) for _ in range(40)) + "."
        papers.append(
            Paper(
                arxiv_id=f"2401.{n:05d}",
                title=title,
                title_key=title.lower(),
                abstract=abstract,
                authors=[f"Author {n}"],
                categories=["cs.LG"],
                published_on=day - datetime.timedelta(days=n % 30),
                listed_on=day - datetime.timedelta(days=n % 30),
                source=Paper.Source.ARXIV_API,
            )
        )
    return Paper.objects.bulk_create(papers, batch_size=1000)


def make_readers(papers: list[Paper], count: int, *, upvotes_each: int = 6, seed: int = 6) -> list:
    """`count` users who each upvoted a few papers of one topic."""
    rng = random.Random(seed)
    user_model = get_user_model()
    password = make_password("irrelevant")
    users = user_model.objects.bulk_create(
        user_model(username=f"reader{n}", email=f"reader{n}@example.org", password=password)
        for n in range(count)
    )
    by_topic = [papers[t :: len(TOPICS)] for t in range(len(TOPICS))]
    Upvote.objects.bulk_create(
        Upvote(user=user, paper=paper)
        for n, user in enumerate(users)
        for paper in rng.sample(by_topic[n % len(TOPICS)], upvotes_each)
    )
    return users


def save(user, *papers: Paper) -> None:
    reading_list = default_reading_list(user)
    for paper in papers:
        reading_list_add(reading_list=reading_list, paper=paper)

"""A small catalogue with obvious topics, and helpers that write what the recommender would store."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from papers.lists.operations import default_reading_list, reading_list_add
from papers.models import Paper
from recommender.models import ModelVersion, Recommendation
from tests.factories import PaperFactory

HTMX = {"HX-Request": "true"}
DAY = datetime.date(2024, 1, 10)

SPIKING = [
    (
        "Spiking neural networks for event cameras",
        "We train spiking neurons on neuromorphic event camera streams.",
    ),
    (
        "Surrogate gradients for spiking neural networks",
        "Surrogate gradient learning trains spiking neurons end to end.",
    ),
    (
        "Spiking neural networks on neuromorphic chips",
        "Deploying spiking neurons on neuromorphic hardware with low energy.",
    ),
]
PROTEINS = [
    (
        "Protein folding with deep learning",
        "Predicting protein structure and folding from amino acid sequences.",
    ),
    (
        "Protein structure prediction with diffusion",
        "Diffusion models generate protein backbones and folding structure.",
    ),
    (
        "Protein language models for folding",
        "Protein sequences embedded by language models predict folding structure.",
    ),
]
GRAPHS = [
    (
        "Graph neural networks for molecules",
        "Message passing over molecular graphs predicts chemical properties.",
    ),
    (
        "Message passing graph networks in chemistry",
        "Molecular graphs and message passing for chemical property prediction.",
    ),
]
TRANSLATION = [
    (
        "Transformers for machine translation",
        "Attention based transformers translate sentences between languages.",
    ),
    (
        "Multilingual machine translation with attention",
        "A transformer model translates many languages with attention.",
    ),
]
ROBOTS = [
    (
        "Reinforcement learning for robot control",
        "Policy gradient agents learn robot locomotion and control.",
    ),
    (
        "Robot manipulation with reinforcement learning",
        "Deep reinforcement learning policies for robotic grasping.",
    ),
]


@dataclass(frozen=True)
class Corpus:
    spiking: list[Paper]
    proteins: list[Paper]
    graphs: list[Paper]
    translation: list[Paper]
    robots: list[Paper]

    @property
    def all(self) -> list[Paper]:
        return self.spiking + self.proteins + self.graphs + self.translation + self.robots


def make_papers(texts: Sequence[tuple[str, str]], category: str) -> list[Paper]:
    # Authors of their own per paper: shared names would tie every paper to every other.
    return [
        PaperFactory(
            title=title, abstract=abstract, categories=[category], authors=[f"{category} author {i}"]
        )
        for i, (title, abstract) in enumerate(texts)
    ]


def save(user, *papers: Paper) -> None:
    reading_list = default_reading_list(user)
    for paper in papers:
        reading_list_add(reading_list=reading_list, paper=paper)


def model_version(**fields) -> ModelVersion:
    """A current, ready version without an artifact: enough for pages that only read stored rows."""
    ModelVersion.objects.filter(is_current=True).update(is_current=False)
    return ModelVersion.objects.create(status=ModelVersion.Status.READY, is_current=True, **fields)


def recommend(
    user,
    papers: Sequence[Paper],
    version: ModelVersion,
    *,
    reason: str = "popular",
    reason_paper=None,
    terms: Sequence[str] = (),
) -> list[Recommendation]:
    """Store `papers` as the user's ranking for `version`, best first."""
    return Recommendation.objects.bulk_create(
        Recommendation(
            user=user,
            paper=paper,
            version=version,
            rank=rank,
            score=1.0 / rank,
            reason=reason,
            reason_paper=reason_paper,
            reason_terms=list(terms),
        )
        for rank, paper in enumerate(papers, start=1)
    )

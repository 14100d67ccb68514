"""Cold start: the onboarding step that makes a new reader's feed personal before their first save.

Three ways in, any combination: pick topics (derived from the catalogue at training time and stored on
the current ModelVersion, never a hard-coded list), bring papers (arXiv ids or a .bib/.ris file, into
"Read later"), or upvote a few papers from a diverse sample. `complete_onboarding` writes all of it in
one transaction and tells the recommender, which re-ranks the user on commit.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from papers.lists.imports import ImportResult, import_into_list
from papers.lists.operations import default_reading_list
from papers.lists.votes import paper_upvote
from papers.models import Paper, Profile
from papers.signals import notify_user_signals_changed
from recommender.models import ModelVersion

SAMPLE_SIZE = 12
# A reader who ticks everything still onboards in one quick request.
MAX_UPVOTES = 50
EXAMPLES_PER_TOPIC = 2


class OnboardingIncomplete(Exception):
    """Nothing was chosen: no topic, no papers to import and no upvote."""


@dataclass(frozen=True)
class OnboardingTopic:
    label: str
    terms: tuple[str, ...]
    paper_ids: tuple[int, ...]
    # Filled by `with_examples` for the onboarding page: a couple of typical titles make a term list
    # readable ("spiking, neuromorphic" is clearer next to a paper about event cameras).
    examples: tuple[Paper, ...] = ()


@dataclass
class OnboardingResult:
    interests: list[str] = field(default_factory=list)
    imported: ImportResult | None = None
    upvoted: list[Paper] = field(default_factory=list)


def onboarding_topics(version: ModelVersion | None = None) -> list[OnboardingTopic]:
    """The current model's topics; empty while no model has been trained (one query)."""
    version = version if version is not None else ModelVersion.objects.current()
    if version is None:
        return []
    topics = []
    for raw in version.topics or []:
        label, terms = str(raw.get("label", "")).strip(), tuple(str(t) for t in raw.get("terms", []) if t)
        if label and terms:
            ids = tuple(int(pk) for pk in raw.get("paper_ids", []))
            topics.append(OnboardingTopic(label=label, terms=terms, paper_ids=ids))
    return topics


def with_examples(topics: list[OnboardingTopic], n: int = EXAMPLES_PER_TOPIC) -> list[OnboardingTopic]:
    """The topics with their first `n` papers' titles attached (one query for all of them)."""
    wanted = {pk for topic in topics for pk in topic.paper_ids[:n]}
    if not wanted:
        return topics
    papers = Paper.objects.only("pk", "title", "arxiv_id").in_bulk(wanted)
    return [
        OnboardingTopic(
            label=topic.label,
            terms=topic.terms,
            paper_ids=topic.paper_ids,
            examples=tuple(papers[pk] for pk in topic.paper_ids[:n] if pk in papers),
        )
        for topic in topics
    ]


def diverse_sample(n: int = SAMPLE_SIZE, *, topics: list[OnboardingTopic] | None = None) -> list[Paper]:
    """About `n` well-liked papers spread over the catalogue, for "upvote a few you like".

    With topics: the most upvoted paper of each topic, then the second of each, and so on (one query).
    Without (no model yet): recent trending papers, one per arXiv category in turn, so the sample is not
    ten papers on the week's hottest subject (two queries).
    """
    topics = onboarding_topics() if topics is None else topics
    candidate_ids = {pk for topic in topics for pk in topic.paper_ids}
    if candidate_ids:
        papers = Paper.objects.defer("search_vector").in_bulk(candidate_ids)
        groups = [
            sorted(
                (papers[pk] for pk in topic.paper_ids if pk in papers),
                key=lambda p: (-p.total_upvotes, p.pk),
            )
            for topic in topics
        ]
    else:
        trending = list(Paper.objects.trending()[: n * 5])
        by_category: dict[str, list[Paper]] = {}
        for paper in trending:
            by_category.setdefault(paper.primary_category, []).append(paper)
        groups = list(by_category.values())
    return _round_robin(groups, n)


def _round_robin(groups: list[list[Paper]], n: int) -> list[Paper]:
    chosen: list[Paper] = []
    seen: set[int] = set()
    depth = 0
    while len(chosen) < n and any(depth < len(group) for group in groups):
        for group in groups:
            if depth < len(group) and group[depth].pk not in seen:
                seen.add(group[depth].pk)
                chosen.append(group[depth])
                if len(chosen) == n:
                    break
        depth += 1
    return chosen


def _interests(topics: Iterable[OnboardingTopic], labels: Collection[str]) -> list[str]:
    """The chosen topics' terms, each once, in the topics' order."""
    terms: list[str] = []
    for topic in topics:
        if topic.label in labels:
            terms += [term for term in topic.terms if term not in terms]
    return terms


def complete_onboarding(
    *,
    user: User,
    topic_labels: Collection[str],
    arxiv_text: str | None = None,
    upload: UploadedFile | None = None,
    upvote_paper_ids: Collection[int] = (),
) -> OnboardingResult:
    """Store the chosen topics' terms as interests, import the papers, record the upvotes; all or nothing.

    Raises `OnboardingIncomplete` when nothing usable was chosen, and lets `ImportRefused` (a bad file,
    arXiv unreachable) through; either way nothing is written. Topic labels that are not the current
    model's (a page older than last night's training) are ignored.
    """
    topics = onboarding_topics()
    wanted_ids = {int(pk) for pk in upvote_paper_ids}
    has_import = bool((arxiv_text or "").strip()) or upload is not None
    result = OnboardingResult()
    with transaction.atomic():
        profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
        chosen_terms = _interests(topics, set(topic_labels))
        upvotes = list(Paper.objects.defer("search_vector").filter(pk__in=wanted_ids)[:MAX_UPVOTES])
        if not chosen_terms and not has_import and not upvotes:
            raise OnboardingIncomplete(
                "Pick at least one topic, add a few papers you know, or upvote some of the papers below."
            )
        previous = list(profile.interests or [])
        # Onboarding again adds topics; it never forgets the earlier ones.
        profile.interests = previous + [term for term in chosen_terms if term not in previous]
        profile.onboarded_at = timezone.now()
        profile.save(update_fields=["interests", "onboarded_at"])
        result.interests = profile.interests
        if has_import:
            # arXiv may be asked about ids the catalogue lacks, inside this transaction: a refusal
            # must also undo the topics and upvotes, and an onboarding imports a handful of papers.
            result.imported = import_into_list(
                reading_list=default_reading_list(user), text=arxiv_text, upload=upload
            )
        for paper in upvotes:
            paper_upvote(user=user, paper=paper)
        result.upvoted = upvotes
        # Interests are a signal too; the outbox records one re-rank for the whole transaction.
        notify_user_signals_changed(user.pk)
    return result

"""Cold start: the onboarding step that makes a new reader's feed personal before their first save.

Three ways in, any combination: pick topics (derived from the catalogue at training time and stored on
the current ModelVersion, never a hard-coded list), bring papers (arXiv ids or a .bib/.ris file, into
"Read later"), or upvote a few papers from a diverse sample. `complete_onboarding` writes all of it in
one transaction and tells the recommender, which re-ranks the user on commit.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
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
# Papers (title and abstract) read to spell a topic's name as its papers do.
NAMING_PAPERS = 20
# A topic of the reader's own, typed in: at most this long, and at most this many comma-separated parts.
OWN_TOPIC_CHARS = 200
OWN_TOPIC_PARTS = 10


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
    # Also from `with_examples`: the label written as the topic's own papers write it ("MLLMs, VLMs
    # and Chain-of-Thought" for "mllms, vlms, chain"); the label stays the form's value.
    name: str = ""


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
    """The topics with their first `n` papers attached and a readable name (one query for all)."""
    wanted = {pk for topic in topics for pk in topic.paper_ids[:NAMING_PAPERS]}
    if not wanted:
        return topics
    papers = Paper.objects.only("pk", "title", "abstract", "arxiv_id").in_bulk(wanted)
    named = []
    for topic in topics:
        texts = [
            f"{papers[pk].title}\n{papers[pk].abstract}"
            for pk in topic.paper_ids[:NAMING_PAPERS]
            if pk in papers
        ]
        named.append(
            OnboardingTopic(
                label=topic.label,
                terms=topic.terms,
                paper_ids=topic.paper_ids,
                examples=tuple(papers[pk] for pk in topic.paper_ids[:n] if pk in papers),
                name=readable_name(topic.terms, texts),
            )
        )
    return named


def _pattern(*terms: str) -> re.Pattern[str]:
    """`terms` as written in a title: any case, spaces or hyphens between words, "of" between terms."""
    words = [r"[ -]+".join(re.escape(word) for word in term.split()) for term in terms]
    return re.compile(r"\b" + r"[ -]+(?:of[ -]+)?".join(words) + r"\b", re.IGNORECASE)


def _as_written(pattern: re.Pattern[str], texts: Sequence[str], *, at_least: int = 1) -> str | None:
    """The commonest spelling of `pattern` in `texts`, if it occurs `at_least` times."""
    found = Counter(match.group(0) for text in texts for match in pattern.finditer(text))
    if not found or sum(found.values()) < at_least:
        return None
    return found.most_common(1)[0][0]


def _casual(phrase: str) -> str:
    """Title Case undone, acronyms kept: "Gaussian Splatting" -> "gaussian splatting", "fMRI" stays."""
    return re.sub(
        r"[^\W\d_]+", lambda m: m[0] if any(c.isupper() for c in m[0][1:]) else m[0].lower(), phrase
    )


def readable_name(terms: Sequence[str], titles: Sequence[str], n: int = 3) -> str:
    """A name for a topic from its first terms, spelled as its papers' titles spell them.

    Two terms the titles write together become one phrase ("gaussian" + "splatting": "Gaussian
    Splatting"; "chain" + "thought": "Chain-of-Thought"); a term no title contains stays as it is.
    """
    parts: list[str] = []
    remaining = list(terms[: n + 1])
    while remaining and len(parts) < n:
        term = remaining.pop(0)
        phrase = None
        for other in remaining:
            # A phrase only when the papers use it more than once: one title's wording is chance.
            phrase = _as_written(_pattern(term, other), titles, at_least=2) or _as_written(
                _pattern(other, term), titles, at_least=2
            )
            if phrase:
                remaining.remove(other)
                break
        parts.append(_casual(phrase or _as_written(_pattern(term), titles) or term))
    if not parts:
        return ""
    name = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return name[0].upper() + name[1:]


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


def own_topic_terms(text: str) -> list[str]:
    """A typed topic ("graph neural networks, protein design") as interest terms, one per part.

    The recommender reads each term through the same word features as the catalogue, so words it
    has never seen weigh nothing; the parts are kept as typed, lower-cased.
    """
    parts = [" ".join(part.split()).lower() for part in text[:OWN_TOPIC_CHARS].split(",")]
    return list(dict.fromkeys(part for part in parts if part))[:OWN_TOPIC_PARTS]


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
    own_topic: str = "",
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
        chosen_terms += [term for term in own_topic_terms(own_topic) if term not in chosen_terms]
        upvotes = list(Paper.objects.defer("search_vector").filter(pk__in=wanted_ids)[:MAX_UPVOTES])
        if not chosen_terms and not has_import and not upvotes:
            raise OnboardingIncomplete(
                "Pick at least one topic (or type your own), add a few papers you know, or upvote some of the"
                " papers below."
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

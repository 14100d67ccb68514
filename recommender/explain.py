"""Why a paper was recommended, as structured reasons the web layer renders in words.

Each reason carries the share of the paper's score it accounts for, so the page can show the main one:

- ``similar_to_saved``: "Close to <related_item>, which you saved", with the terms the paper shares with
  the user's profile (word terms and authors; never character n-grams).
- ``co_saved``: "Saved by readers who also saved <related_item>".
- ``matches_topics``: the user's onboarding topics (no saved paper yet), with the shared terms.
- ``popular`` / ``new``: the priors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from recommender.features import AUTHOR_PREFIX
from recommender.scoring import as_rows, blend_weights, score_parts, user_profiles
from recommender.train import RecommenderModel

SIMILAR_TO_SAVED = "similar_to_saved"
CO_SAVED = "co_saved"
MATCHES_TOPICS = "matches_topics"
POPULAR = "popular"
NEW = "new"


@dataclass(frozen=True)
class Reason:
    kind: str
    share: float  # fraction of the paper's (positive) score this reason accounts for
    related_item: int | None = None
    terms: tuple[str, ...] = ()


def readable_term(term: str) -> str:
    """A feature name as a reader should see it ("author: ada lovelace", not "author:ada_lovelace")."""
    if term.startswith(AUTHOR_PREFIX):
        return "author: " + term[len(AUTHOR_PREFIX) :].replace("_", " ")
    return term


def shared_terms(model: RecommenderModel, profile: sp.csr_matrix, item: int, n_terms: int) -> tuple[str, ...]:
    """The readable terms contributing most to the profile . paper similarity, best first."""
    overlap = sp.csr_matrix(profile.multiply(model.item_features[item]))
    names = model.features.terms()
    chosen: list[str] = []
    for column in overlap.indices[np.argsort(-overlap.data, kind="stable")]:
        term = names[column]
        # Skip character n-grams, and "spiking" once "spiking neural" is in (or the other way round).
        if not term or any(term in c or c in term for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == n_terms:
            break
    return tuple(readable_term(t) for t in chosen)


def explain(
    model: RecommenderModel,
    positives: sp.spmatrix | np.ndarray | None,
    items: Sequence[int],
    *,
    negatives: sp.spmatrix | np.ndarray | None = None,
    profile: sp.csr_matrix | None = None,
    n_terms: int = 5,
) -> list[list[Reason]]:
    """Reasons for each of ``items`` for one user, strongest first (the user's current row, no refit)."""
    settings = model.settings
    row = as_rows(positives, 1, model.n_items)
    parts = score_parts(model, row, as_rows(negatives, 1, model.n_items), profile)
    w_cf, w_pop = blend_weights(settings, parts.history, parts.has_co_saves)
    term_profile = user_profiles(model, row, profile)
    saved, saved_weights = row.indices, row.data
    items = [int(i) for i in items]
    # users' papers x candidate papers: content similarity and co-save weight (time-weighted).
    similarity = (model.item_features[saved] @ model.item_features[items].T).toarray()
    co_saved = (sp.diags(saved_weights) @ model.co_saves[saved][:, items]).toarray()

    explanations = []
    for column, item in enumerate(items):
        contributions: list[tuple[float, Reason]] = []
        content = float(parts.content[0, item])
        if content > 0:
            terms = shared_terms(model, term_profile, item, n_terms) if n_terms else ()
            if saved.size and similarity[:, column].max() > 0:
                closest = int(saved[int(np.argmax(similarity[:, column]))])
                contributions.append((content, Reason(SIMILAR_TO_SAVED, 0.0, closest, terms)))
            else:
                contributions.append((content, Reason(MATCHES_TOPICS, 0.0, None, terms)))
        collaborative = float(w_cf[0] * parts.co_saves[0, item])
        if collaborative > 0:
            via = int(saved[int(np.argmax(co_saved[:, column]))])
            contributions.append((collaborative, Reason(CO_SAVED, 0.0, via)))
        popular = float(w_pop[0] * model.popularity[item])
        if popular > 0:
            contributions.append((popular, Reason(POPULAR, 0.0)))
        recent = float(settings.recency_weight * model.recency[item])
        if recent > 0:
            contributions.append((recent, Reason(NEW, 0.0)))
        total = sum(c for c, _ in contributions) or 1.0
        contributions.sort(key=lambda pair: -pair[0])
        explanations.append([Reason(r.kind, c / total, r.related_item, r.terms) for c, r in contributions])
    return explanations

"""Choosing the recommender's settings on validation splits carved from training data only.

Everything here reads CiteULike-a's P=10 *training* file only. Its ten papers per user are each user's
ten lowest ids (item ids grow with the time a paper entered CiteULike) and every test paper has a higher
id than all of that user's training papers: the benchmark is "predict each reader's later papers".

Temporal split (``leave_last_out``): each user's 3 highest-id training papers leave the fit; those at
least ``VALIDATION_GAP`` (5%) of the catalogue's ids past the user's last fitted paper are the targets
(3,302 users keep at least one). Why the gap: the benchmark's test papers sit far past the training ones
(id gap median 27% of the catalogue, 10th percentile 2%), while plain leave-last-out targets sit right
next to them (median 3.6%). Co-saves are local in time, so without the gap the split rewards them about
twice as much as the test does. Per user (macro, like recall), the share of targets in the top 50 / 300
by co-saves alone against content alone (plain profile) is:

    split                           co-saves      content       ratio @50 / @300
    benchmark test (P=10)           .115 / .237   .166 / .355   0.69 / 0.67
    leave-last-out 3, no gap        .230 / .365   .172 / .347   1.34 / 1.05
    leave-last-out 3, gap 2%        .169 / .280   .178 / .357   0.95 / 0.78
    leave-last-out 3, gap 5%        .140 / .232   .188 / .372   0.75 / 0.62   <- used
    leave-last-out 5, gap 2%        .130 / .209   .146 / .306   0.90 / 0.68

(These are structural statistics of the splits, used once to choose the gap; no setting below was
chosen by test recall.) ``tune_blend`` scores every validation user from a random h of their fitted
papers, h = 1, 3, 7, standing for the history buckets <= 1, 2-4, >= 5, and grids (w_cf, w_pop) by the
mean of recall@50..300.

One-save split (``one_save_per_user``): CiteULike P=1 in miniature. Each user keeps one random paper of
their training ten and the other nine are targets; as in P=1, one paper per user means nobody's paper is
co-saved, so this pass picks the popularity weight for readers nobody shares papers with (and judged the
pseudo-relevance feedback). ``bench/tune_citeulike.py`` re-runs both; it picks exactly
``train.DEFAULT_SETTINGS``:

    bucket        w_cf  w_pop   validation recall@50 / @300 (mean @50..300)
    h <= 1           8    0.0   0.167 / 0.354 (0.280)   temporal split, gap 5%
    h 2-4            2    0.0   0.219 / 0.435 (0.351)   (w_cf 3: 0.350)
    h >= 5           3    0.0   0.253 / 0.475 (0.387)   (w_cf 2: 0.386)
    no co-saves      -    0.3   0.120 / 0.290 (0.219)   one-save split: content + feedback + popularity

Before the content re-weighting below (plain idf, cosine rows, title characters 0.7, feedback weight 2,
co-saved papers at weight 4) the same search gave w_cf 12 / 4 / 3 and w_pop 0.5, with 0.157 / 0.331
(0.260), 0.209 / 0.420 (0.336), 0.249 / 0.462 (0.377) and 0.116 / 0.282 (0.212).

Content re-weighting (current), each step picked on both splits: one-save mean at the best w_pop of
0.2-0.5, temporal mean at the best w_cf of a three-point grid around the shipped one (h = 7: 2-4, h = 3:
3-6 then 1-3, h = 1: 8-16 then 4-8); figures are one-save / h = 7 (/ h = 3 / h = 1):

- Term weights tf x idf ** p (starting from 0.212 / 0.377 / 0.336 / 0.260): p 0.7 0.209 / 0.373; 1.5
  0.211 / 0.382; 2 0.212 / 0.384 / 0.344 / 0.269; 2.5 0.211 / 0.383; 3 0.209 / 0.380. p = 2.
- Binary tf instead of sublinear 0.209 / 0.375, word 1-3-grams 0.211 / 0.378 (both at p = 1): no.
- Pivoted length normalisation of the words block (``features``), slope s at p = 2 (s = 1 is cosine:
  0.212 / 0.384 / 0.344 / 0.269): s 0.8 0.214 / 0.387 / 0.346 / 0.271; 0.7 0.214 / 0.386 / 0.346 /
  0.271; 0.6 0.214 / 0.386 / 0.346 / 0.271; 0.4 0.216 / 0.381; 0.2 0.214 / 0.369. The four splits'
  mean is flat over 0.6-0.8 (0.3042-0.3044); s = 0.7, the plateau's middle. Re-checking p with s = 0.7:
  1.5 0.215 / 0.384 / 0.343, 2.5 0.212 / 0.385 / 0.346, 2 0.214 / 0.386 / 0.346.
- Title character n-gram weight at p = 2, s = 0.7: 0.3 0.216 / 0.379 / 0.340; 0.4 0.218 / 0.383 /
  0.345; 0.5 0.218 / 0.386 / 0.347; 0.6 0.216 / 0.386 / 0.347; 0.7 0.214 / 0.386 / 0.346; 1.0 0.209 /
  0.381 / 0.341. 0.5.
- Feedback (one-save only, where it acts): weight 1 / 2 / 3 / 4: 0.214 / 0.218 / 0.219 / 0.219; 5 or
  20 papers (weight 2) 0.214 / 0.217. Weight 3.
- Co-saved papers' weight in the profile, with the new features: 2 / 4 / 8 / 16: h = 7 0.383 / 0.386 /
  0.387 / 0.387, h = 3 0.335 / 0.347 / 0.351 / 0.351, h = 1 - / 0.272 / 0.280 / 0.279. Weight 8.
- Item-to-item content neighbourhood instead of only one summed profile: content + lam x (sum over the
  user's papers of sim(paper, j) ** q, scaled per user like content), at p = 2, cosine rows (base 0.384
  at h = 7, 0.344 at h = 3): q 2 lam 0.5 0.380, lam 1 0.377; q 4 lam 0.3 0.383 / 0.343; q 1 lam 0.3
  0.381 / 0.335. Rejected; it also costs one catalogue product per paper instead of one per profile,
  and for one-paper readers it is a monotone transform of content (it could only act via feedback).
- Then the whole search above re-run for the blend weights.

Structural choices from before the content re-weighting, compared on the temporal split at h = 7 after
re-tuning w_cf (mean recall@50..300; the settings shipped then scored 0.377):

- Co-saves: RP3beta beta 0.5 (0.377) vs 0.3 (0.374), 0.7 (0.377), 0.1 (0.364); alpha 0.5 vs 0.3 / 1.0:
  0.374 / 0.365 (at beta 0.3); 200 neighbours vs 100 / 500: 0.373 / 0.374 (at beta 0.3).
- Profile widened by co-saved papers, weight 0 / 1 / 2 / 4 / 8: 0.361 / 0.371 / 0.374 / 0.374 / 0.374
  (at beta 0.3); the 50 strongest co-saved papers vs 20 / 100: 0.374 / 0.378 (100 costs more per user).
- Co-save scores averaged over the history instead of summed (so w_cf carries across history lengths):
  0.377 at h = 7, 0.339 vs 0.336 at h = 3; not worth the change.
- Content features (the base is 0.374 at beta 0.3, 0.377 at beta 0.5): max_df 0.1 / 0.02 -> 0.370 /
  0.372 (beta 0.3), 0.03 -> 0.374 (beta 0.5); min_df 1 -> 0.370 (beta 0.5); title character n-gram
  weight 0.4 / 1.0 instead of 0.7 -> 0.371 / 0.373 (beta 0.3); profile terms 500 / 2000 instead of 1000
  -> 0.374 / 0.377 (beta 0.5; 2000 costs more per user).
- Pseudo-relevance feedback for every user (not only those without co-saves): 0.352 at weight 2, 0.360 at
  weight 1 -- it stays off for users with co-saves (and it would double their scoring cost). For the
  one-save split: none 0.200, 10 papers at weight 2 0.212 (weight 4 0.212, 20 papers 0.211).
- Popularity weight for users with co-saves: 0 at every history length.
- Title character n-grams 3-5 / 4-6 instead of 4-5: 0.377 / 0.375 at h = 7; one-save 0.212 / 0.211
  (base 0.212). Not worth a bigger vocabulary.
- iALS next to the co-save graph (64 factors, alpha 30, reg 1, 12 sweeps of 3 CG steps; user vectors
  solved from their papers at scoring time, scores scaled per user, grid w_latent 0..2 with w_cf
  re-tuned): h = 1 / 3 / 7 0.260 / 0.336 / 0.377 -> 0.281 / 0.346 / 0.382 (w_cf 0 / 1 / 3, w_latent
  0.5 / 0.25 / 0.25), all of it at the deep cut-offs (h = 7 recall@50 0.249 -> 0.243, @300 0.462 ->
  0.475); 32 factors or alpha 10 gained about half as much; PureSVD (64 factors) nothing. Not shipped:
  it moves papers from the top 50 (what a reader's first feed pages show) to ranks 50-300, and at the
  nightly's size it costs 8 s of fit, 6 s of top-200 and more than doubles one reader's re-rank
  (median 7 -> 17 ms) for every reader, since it pays at every history length.
- For the one-save split: a dense LSA similarity (TruncatedSVD of the feature rows, 64-256 dims)
  blended into content: best 0.215 (64 dims, weight 0.25, w_pop 0.8) vs 0.212, at the grid's edge
  and worth an extra SVD and a dense block per reader; popularity as sqrt / linear / log(1 + n/2) of
  readers: 0.211 / 0.209 / 0.211 (log: 0.212); feedback chosen by content + popularity, squared
  feedback weights, two feedback rounds, 5 or 20 feedback papers: 0.204-0.212, none above 0.212.

Older figures (plain leave-last-out, before the gap): word 1-2-grams plus title character n-grams beat
words alone (content recall@50 0.172 vs 0.161); separate title/abstract blocks -0.007, no stop list
-0.005, unigrams only -0.010; RP3beta beat cosine ItemKNN (0.229 vs 0.211 recall@50); scoring against
the whole profile matched ItemKNN with k = 1000; topic popularity (popularity smoothed through content)
lost 0.007-0.013.

Caveats. The one-save split's targets come from each user's first ten papers, which lean towards
early, widely-saved papers, so it may value popularity more than P=1's test (whose targets are all of a
user's other papers) does. The P=10 training lists overlap the P=1 test lists (same users' papers), so
P=1's figures come from settings chosen on data that is partly P=1's test.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from recommender.evaluate import CUTOFFS, recall_at
from recommender.features import PaperText
from recommender.interactions import saves_matrix
from recommender.scoring import DEFAULT_BATCH_SIZE, ScoreParts, blend, score_parts
from recommender.topk import top_k_dense
from recommender.train import DEFAULT_SETTINGS, RecommenderModel, RecommenderSettings, fit_recommender

CF_GRID = (0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0, 32.0)
POPULARITY_GRID = (0.0, 0.05, 0.1, 0.2)
POPULARITY_ALONE_GRID = (0.0, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2)
HISTORY_LENGTHS = (1, 3, 7)
# Validation targets must lie at least this fraction of the catalogue's ids past the user's last fitted
# paper (see the module docstring: it makes co-save paths as thin as the benchmark test's).
VALIDATION_GAP = 0.05


@dataclass(frozen=True)
class GridPoint:
    history: int
    co_saves: bool  # False: scored by a model without co-saves (the content-and-priors-only regime)
    cf_weight: float
    popularity_weight: float
    recall: dict[str, float]

    @property
    def objective(self) -> float:
        return float(np.mean(list(self.recall.values())))


def leave_last_out(
    train: Sequence[Sequence[int]], holdout: int = 3, *, min_gap: int = 0
) -> tuple[list[list[int]], list[list[int]]]:
    """Per user, the ``holdout`` highest item ids leave the fit (users with more than that); those at
    least ``min_gap`` ids past the user's last fitted paper become validation targets."""
    fit, targets = [], []
    for items in train:
        ordered = sorted(set(items))
        if len(ordered) > holdout:
            kept = ordered[:-holdout]
            fit.append(kept)
            targets.append([i for i in ordered[-holdout:] if i - kept[-1] >= min_gap])
        else:
            fit.append(ordered)
            targets.append([])
    return fit, targets


def one_save_per_user(
    train: Sequence[Sequence[int]], seed: int = 0
) -> tuple[list[list[int]], list[list[int]]]:
    """Per user, one random paper is the fit and the others are validation targets (P=1's split)."""
    rng = np.random.default_rng(seed)
    fit, targets = [], []
    for items in train:
        ordered = sorted(set(items))
        kept = int(rng.integers(len(ordered))) if ordered else 0
        fit.append(ordered[kept : kept + 1])
        targets.append(ordered[:kept] + ordered[kept + 1 :])
    return fit, targets


def truncated_histories(fit: Sequence[Sequence[int]], length: int, seed: int = 0) -> list[list[int]]:
    rng = np.random.default_rng(seed)
    return [sorted(rng.choice(items, size=min(length, len(items)), replace=False).tolist()) for items in fit]


def _parts_in_batches(model: RecommenderModel, histories: list[list[int]]) -> list[ScoreParts]:
    rows = saves_matrix(histories, model.n_items).positives
    return [
        score_parts(model, rows[start : start + DEFAULT_BATCH_SIZE])
        for start in range(0, rows.shape[0], DEFAULT_BATCH_SIZE)
    ]


def _grid_recall(
    model: RecommenderModel,
    parts: list[ScoreParts],
    fit: list[list[int]],
    targets: list[list[int]],
    settings: RecommenderSettings,
) -> dict[str, float]:
    ranked = []
    start = 0
    for block in parts:
        scores = blend(model, block, settings)
        # The user's whole remaining history is known to the site even if only h papers were scored.
        for offset, items in enumerate(fit[start : start + scores.shape[0]]):
            scores[offset, items] = -np.inf
        ranked.append(top_k_dense(scores, max(CUTOFFS)).items)
        start += scores.shape[0]
    return recall_at(np.concatenate(ranked), targets)


def tune_blend(
    papers: Sequence[PaperText],
    train: Sequence[Sequence[int]],
    *,
    settings: RecommenderSettings = DEFAULT_SETTINGS,
    history_lengths: Sequence[int] = HISTORY_LENGTHS,
    cf_grid: Sequence[float] = CF_GRID,
    popularity_grid: Sequence[float] = POPULARITY_GRID,
    popularity_alone_grid: Sequence[float] = POPULARITY_ALONE_GRID,
    holdout: int = 3,
    gap: float = VALIDATION_GAP,
    seed: int = 0,
) -> list[GridPoint]:
    """Every grid point's validation recall, for each history length."""
    fit, targets = leave_last_out(train, holdout, min_gap=math.ceil(gap * len(papers)))
    model = fit_recommender(papers, saves_matrix(fit, len(papers)).positives, settings=settings)
    # Only users with a target are scored; everyone's fitted papers still shape the co-save graph.
    scored = [u for u, items in enumerate(targets) if items]
    fit, targets = [fit[u] for u in scored], [targets[u] for u in scored]
    n_buckets = len(settings.cf_weights)
    points = []
    for length in history_lengths:
        histories = truncated_histories(fit, length, seed)
        parts = _parts_in_batches(model, histories)
        for w_cf, w_pop in itertools.product(cf_grid, popularity_grid):
            candidate = settings.with_blend([w_cf] * n_buckets, [w_pop] * n_buckets, w_pop)
            recall = _grid_recall(model, parts, fit, targets, candidate)
            points.append(GridPoint(length, True, w_cf, w_pop, recall))
    # CiteULike P=1 in miniature: everyone keeps one random paper, so nobody's paper is co-saved.
    fit, targets = one_save_per_user(train, seed)
    alone = fit_recommender(papers, saves_matrix(fit, len(papers)).positives, settings=settings)
    parts = _parts_in_batches(alone, fit)
    for w_pop in popularity_alone_grid:
        candidate = settings.with_blend(settings.cf_weights, settings.popularity_weights, w_pop)
        points.append(GridPoint(1, False, 0.0, w_pop, _grid_recall(alone, parts, fit, targets, candidate)))
    return points


def best_per_history(points: Sequence[GridPoint]) -> dict[tuple[int, bool], GridPoint]:
    """The best point for each (history length, with co-saves) pair."""
    best: dict[tuple[int, bool], GridPoint] = {}
    for point in points:
        key = (point.history, point.co_saves)
        if key not in best or point.objective > best[key].objective:
            best[key] = point
    return best

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from recommender.features import PaperText
from recommender.interactions import saves_matrix
from recommender.scoring import score_user
from recommender.train import DEFAULT_SETTINGS, fit_borrowed_co_saves, fit_recommender

# Papers 0-2 have readers; paper 3 has none and means what paper 1 means; paper 4 is unrelated to all.
PAPERS = [PaperText(title) for title in ("alpha", "beta", "gamma", "beta again", "delta")]
SAVERS = [[0, 1], [0, 1], [2]]
VECTORS = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]], dtype=np.float32)


def test_a_paper_nobody_saved_borrows_the_co_save_links_of_its_closest_saved_paper():
    positives = saves_matrix(SAVERS, len(PAPERS)).positives
    model = fit_recommender(PAPERS, positives)
    saved = np.array([True, True, True, False, False])
    borrowed = fit_borrowed_co_saves(model.co_saves, saved, VECTORS, neighbours=1, keep=10).toarray()
    # Readers of paper 0 also saved paper 1; paper 3 is paper 1 in meaning, so it gets the same link.
    assert borrowed[0, 3] == pytest.approx(model.co_saves[0, 1])
    assert borrowed[0, 3] > 0
    # Papers with readers keep only their own links; paper 4 is close to nothing that was co-saved.
    assert not borrowed[:, [0, 1, 2]].any()
    assert borrowed[0, 4] == 0


def test_borrowing_lifts_the_new_paper_above_an_unrelated_one_for_a_reader_of_its_neighbours():
    positives = saves_matrix(SAVERS, len(PAPERS)).positives
    settings = replace(DEFAULT_SETTINGS, borrowed_co_save_weight=1.0, borrowed_co_save_neighbours=1)
    with_borrowing = fit_recommender(PAPERS, positives, settings=settings, item_embeddings=VECTORS)
    no_borrowing = replace(settings, borrowed_co_save_weight=0.0)
    without = fit_recommender(PAPERS, positives, settings=no_borrowing, item_embeddings=VECTORS)
    reader = saves_matrix([[0]], len(PAPERS)).positives
    # Paper 0 is the reader's own (-inf either way); compare the others.
    gain = score_user(with_borrowing, reader)[1:] - score_user(without, reader)[1:]
    assert gain[3 - 1] > 0
    assert gain[4 - 1] == 0 and gain[1 - 1] == 0


def test_a_paper_imported_after_training_borrows_as_the_nightlys_unread_papers_do():
    from recommender.train import add_items

    positives = saves_matrix(SAVERS, len(PAPERS)).positives
    settings = replace(DEFAULT_SETTINGS, borrowed_co_save_neighbours=1)
    model = fit_recommender(PAPERS[:4], positives[:, :4], settings=settings, item_embeddings=VECTORS[:4])
    extended = add_items(model, [PaperText("beta once more")], item_embeddings=VECTORS[[1]])
    # The new paper (index 4) means what paper 1 means: it borrows what unread paper 3 borrowed.
    assert extended.borrowed_co_saves[0, 4] == pytest.approx(model.borrowed_co_saves[0, 3])
    assert extended.borrowed_co_saves[0, 4] > 0
    # Without its vector it borrows nothing and is neutral on meaning, not "unlike everything".
    blind = add_items(model, [PaperText("beta once more")])
    assert blind.borrowed_co_saves[:, 4].nnz == 0
    reader = saves_matrix([[0]], 5).positives
    assert np.isfinite(score_user(blind, reader)[4])

from __future__ import annotations

from recommender.shared_words import shared_words

CANDIDATE = (
    "Compositional Generalization in Neuro-Symbolic Transformers. We study compositional generalization "
    "of Transformers on the SCAN benchmark, reaching 00.18% error with 3D attention over entity graphs."
)
SAVED = (
    "Learning World Models. World models trained with transformers show compositional generalization "
    "on SCAN; an error of 00.18% on graphs of entities."
)


def every_word(term: str) -> float:
    return 1.0


def test_only_words_in_both_texts_are_named_as_the_candidate_spells_them():
    words = shared_words(CANDIDATE, SAVED, weight=every_word, n=10)

    assert "Compositional Generalization" in words
    assert "Transformers" in words
    assert "SCAN" in words
    for word in words:
        assert word.casefold() in CANDIDATE.casefold()
        assert word.casefold() in SAVED.casefold()


def test_numbers_stop_words_and_fragments_are_never_named():
    words = shared_words(CANDIDATE, SAVED, weight=every_word, n=20)

    lowered = {w.casefold() for w in words}
    assert not lowered & {"00", "18", "the", "of", "on", "with", "an", "3d"}
    # "entity" and "entities" are different words: no stemming.
    assert "entity" not in lowered
    assert "neuro-symbolic" not in lowered


def test_heavier_words_come_first_and_a_word_of_a_named_phrase_is_not_repeated():
    weights = {"compositional generalization": 5.0, "compositional": 4.0, "scan": 3.0, "graphs": 1.0}

    words = shared_words(CANDIDATE, SAVED, weight=lambda term: weights.get(term, 0.0), n=4)

    assert words == ("Compositional Generalization", "SCAN", "graphs")


def test_topic_terms_are_matched_against_the_candidate_text():
    words = shared_words(CANDIDATE, ["transformers", "reinforcement learning"], weight=every_word)

    assert words == ("Transformers",)


def test_two_words_with_punctuation_between_them_are_not_a_phrase():
    words = shared_words("Vision, language and robots.", "Vision language models.", weight=every_word)

    assert "Vision, language" not in words
    assert "Vision language" not in words
    assert set(words) == {"Vision", "language"}

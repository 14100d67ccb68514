"""A small catalogue with obvious topics, so the expected rankings are known by reading it."""

from __future__ import annotations

from recommender.features import PaperText

SPIKING = (0, 1, 2)
GRAPHS = (3, 4)
TRANSLATION = (5, 6)
BAYESIAN = (7, 8)
ROBOTS = (9, 10)
PROTEINS = (11, 12)

PAPERS = [
    PaperText(
        "Spiking neural networks for event cameras",
        "We train spiking neurons on neuromorphic event camera streams.",
        ("Ada Lovelace", "Alan Turing"),
    ),
    PaperText(
        "Surrogate gradients for spiking neural networks",
        "Surrogate gradient learning trains spiking neurons end to end.",
        ("Grace Hopper",),
    ),
    PaperText(
        "Spiking neural networks on neuromorphic chips",
        "Deploying spiking neurons on neuromorphic hardware with low energy.",
        ("Ada Lovelace",),
    ),
    PaperText(
        "Graph neural networks for molecules",
        "Message passing over molecular graphs predicts chemical properties.",
        ("Marie Curie",),
    ),
    PaperText(
        "Message passing graph networks in chemistry",
        "Molecular graphs and message passing for chemical property prediction.",
        ("Marie Curie",),
    ),
    PaperText(
        "Transformers for machine translation",
        "Attention based transformers translate sentences between languages.",
        ("Noam Chomsky",),
    ),
    PaperText(
        "Multilingual machine translation with attention",
        "A transformer model translates many languages with shared attention.",
    ),
    PaperText(
        "Bayesian optimisation of hyperparameters",
        "Gaussian process models guide hyperparameter search.",
        ("Thomas Bayes",),
    ),
    PaperText(
        "Gaussian processes for Bayesian optimisation",
        "Acquisition functions on Gaussian process posteriors for optimisation.",
        ("Thomas Bayes",),
    ),
    PaperText(
        "Reinforcement learning for robot control",
        "Policy gradient agents learn robot locomotion and control.",
    ),
    PaperText(
        "Robot manipulation with reinforcement learning",
        "Deep reinforcement learning policies for robotic grasping and manipulation.",
    ),
    PaperText(
        "Protein folding with deep learning", "Predicting protein structure from amino acid sequences."
    ),
    PaperText("Protein structure prediction with diffusion", "Diffusion models generate protein backbones."),
]

# Readers who always save the translation paper 5 together with the Bayesian paper 8: nothing in the
# texts links them, so only the collaborative part can recommend 8 to someone who saved 5.
CO_SAVERS = [[5, 8], [5, 8], [5, 8, 11], [5, 8, 12], [9, 10]]

"""A small fixed corpus where the right answer is known: three topics, a few readers."""

from __future__ import annotations

from tests.factories import PaperFactory

SPIKING = [
    ("Spiking neural networks trained with surrogate gradients", "spiking neurons surrogate gradient"),
    ("Energy-efficient spiking neural networks on neuromorphic chips", "spiking neuromorphic energy"),
    ("Temporal coding in deep spiking neural networks", "spiking temporal coding spikes"),
]
PROTEIN = [
    ("Protein structure prediction with deep learning", "protein folding structure residues"),
    ("Protein language models learn folding", "protein sequence folding language model"),
    ("Diffusion models for protein backbone design", "protein backbone diffusion design"),
]
GRAPHS = [
    ("Graph neural networks for molecules", "graph message passing molecules"),
    ("Scalable graph transformers", "graph attention transformers nodes"),
    ("Graph neural networks for recommendation", "graph users items recommendation"),
]


def make_corpus() -> dict[str, list]:
    papers = {}
    for name, rows in (("spiking", SPIKING), ("protein", PROTEIN), ("graphs", GRAPHS)):
        papers[name] = [
            PaperFactory(title=title, abstract=f"We study {words}. Our {words} method improves {words}.")
            for title, words in rows
        ]
    return papers

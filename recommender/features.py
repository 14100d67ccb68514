"""Text features of papers: TF-IDF blocks over words, title characters and authors.

Each paper becomes one sparse row made of three blocks, each normalised on its own and then weighted, so a
long abstract cannot drown the title's character n-grams or the author list:

- ``words``: title + abstract, word unigrams and bigrams, sublinear tf, English stop words removed, with
  pivoted length normalisation (below).
- ``title_chars``: character 4-5-grams of the title inside word boundaries; they match "spiking" with
  "spike" and "neuromorphic" with "neuromorph", which word tokens miss on short titles.
- ``authors``: one token per author name, so papers by the same people are neighbours.

Term weights are tf x idf ** ``idf_power``: squaring the idf lets a title's rare, specific words outweigh
its generic ones, which plain idf does not do enough on ten-word titles.

Pivoted length normalisation (Singhal, Buckley & Mitra, SIGIR 1996) of the words block: a row is divided
by ``(1 - s) * pivot + s * norm`` instead of its norm, where ``pivot`` is the catalogue's mean norm and
``s = length_pivot_slope``. Cosine (s = 1) favours short documents: a paper with an abstract has its title
words diluted among a hundred others, so it rarely comes up for a title-only profile. With s < 1 papers
with more text keep more weight. Blocks other than words stay l2-normalised, and the whole row is divided
by one constant (so a paper of average length has norm about 1) instead of being normalised again, which
would undo the pivot.

Terms in more than ``max_df`` of the papers are dropped. On CiteULike-a validation this costs little
recall, and it is what keeps scoring 10,000 users over 75k papers inside the nightly budget: the cost of a
profile-times-catalogue product grows with the document frequency of the profile's terms.

The fitted state is plain arrays (the vocabulary as one newline-joined UTF-8 buffer plus idf weights per
block, and the words block's pivot), so a model artifact needs no pickle; ``TextFeatures.from_arrays``
rebuilds vectorizers that transform new papers exactly as the fitted ones did.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

BLOCKS = ("words", "title_chars", "authors")
# Blocks whose features are readable terms; character n-grams would make no sense in an explanation.
READABLE_BLOCKS = ("words", "authors")
AUTHOR_PREFIX = "author:"

_SPACE = re.compile(r"\s+")
_NON_NAME = re.compile(r"[^\w.'-]+")


@dataclass(frozen=True)
class PaperText:
    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class FeatureSettings:
    word_ngram_max: int = 2
    char_ngram_min: int = 4
    char_ngram_max: int = 5
    min_df: int = 2
    # A fraction of the catalogue, but never fewer than ``max_df_floor`` papers: tiny catalogues (tests,
    # a fresh install) would otherwise lose every term.
    max_df: float = 0.05
    max_df_floor: int = 50
    title_chars_weight: float = 0.5
    authors_weight: float = 0.5
    # Fit-time only: the stored idf weights already carry the power.
    idf_power: float = 2.0
    # 1.0 is plain cosine normalisation of the words block; see the module docstring.
    length_pivot_slope: float = 0.7


def row_norms(matrix: sp.csr_matrix) -> np.ndarray:
    return np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1), dtype=np.float64).ravel())


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _author_token(name: str) -> str:
    return _NON_NAME.sub("_", _clean(name).lower()).strip("_")


def block_documents(papers: Sequence[PaperText]) -> dict[str, list[str]]:
    """The string each block's vectorizer reads for every paper."""
    return {
        "words": [_clean(f"{p.title} {p.abstract}") for p in papers],
        "title_chars": [_clean(p.title).lower() for p in papers],
        "authors": [" ".join(_author_token(a) for a in p.authors if a.strip()) for p in papers],
    }


def _vectorizer(block: str, settings: FeatureSettings, n_docs: int, vocabulary: dict[str, int] | None = None):
    max_df = max(math.ceil(settings.max_df * n_docs), settings.max_df_floor)
    # Rows stay unnormalised here: ``TextFeatures.assemble`` normalises each block.
    common: dict[str, Any] = {
        "norm": None,
        "sublinear_tf": True,
        "dtype": np.float32,
        "vocabulary": vocabulary,
        "max_df": max_df,
    }
    if vocabulary is None:
        common["min_df"] = settings.min_df
    else:
        # A fixed vocabulary is already pruned; re-applying document-frequency limits would fail on a
        # handful of new papers.
        common["max_df"] = 1.0
    if block == "words":
        return TfidfVectorizer(ngram_range=(1, settings.word_ngram_max), stop_words="english", **common)
    if block == "title_chars":
        return TfidfVectorizer(
            analyzer="char_wb", ngram_range=(settings.char_ngram_min, settings.char_ngram_max), **common
        )
    return TfidfVectorizer(token_pattern=r"\S+", lowercase=False, **common)


class TextFeatures:
    """Fitted vectorizers for the three blocks; turns papers into normalised sparse rows."""

    def __init__(
        self,
        settings: FeatureSettings,
        vectorizers: dict[str, TfidfVectorizer | None],
        n_docs: int,
        words_pivot: float = 1.0,
    ) -> None:
        self.settings = settings
        self.vectorizers = vectorizers
        self.n_docs = n_docs
        # The words block's mean row norm (tf x idf) over the fitted catalogue; see the module docstring.
        self.words_pivot = words_pivot
        self.block_sizes = {b: (len(v.idf_) if v is not None else 0) for b, v in vectorizers.items()}
        self._terms: np.ndarray | None = None

    @property
    def n_features(self) -> int:
        return sum(self.block_sizes.values())

    def block_offsets(self) -> dict[str, tuple[int, int]]:
        offsets, start = {}, 0
        for block in BLOCKS:
            offsets[block] = (start, start + self.block_sizes[block])
            start += self.block_sizes[block]
        return offsets

    def _weights(self) -> dict[str, float]:
        s = self.settings
        return {"words": 1.0, "title_chars": s.title_chars_weight, "authors": s.authors_weight}

    def transform(self, papers: Sequence[PaperText]) -> sp.csr_matrix:
        docs = block_documents(papers)
        blocks = {}
        for block, vec in self.vectorizers.items():
            blocks[block] = vec.transform(docs[block]) if vec is not None else None
        return self.assemble(blocks, len(papers))

    def assemble(self, blocks: dict[str, sp.csr_matrix | None], n_rows: int) -> sp.csr_matrix:
        slope = self.settings.length_pivot_slope
        parts, total = [], 0.0
        for block, weight in self._weights().items():
            matrix = blocks[block]
            if matrix is None:
                parts.append(sp.csr_matrix((n_rows, 0), dtype=np.float32))
                continue
            total += weight**2
            if block == "words" and slope != 1.0:
                divisor = (1.0 - slope) * self.words_pivot + slope * row_norms(matrix)
                scale = np.divide(weight, divisor, out=np.zeros_like(divisor), where=divisor > 0)
                parts.append(sp.csr_matrix(sp.diags(scale.astype(np.float32)) @ matrix))
            else:
                parts.append(normalize(matrix) * np.float32(weight))
        rows = sp.hstack(parts, format="csr", dtype=np.float32)
        if slope == 1.0:
            return normalize(rows).astype(np.float32)
        # Not normalised again (that would undo the pivot): one constant puts an average paper near norm 1.
        return sp.csr_matrix(rows * np.float32(1.0 / math.sqrt(total or 1.0)), dtype=np.float32)

    def transform_words(self, text: str) -> sp.csr_matrix:
        """A free-text query (topic words) as a row in feature space, using the words block only."""
        matrix = sp.csr_matrix((1, self.n_features), dtype=np.float32)
        vec = self.vectorizers["words"]
        if vec is None:
            return matrix
        row = normalize(vec.transform([_clean(text)])).tocoo()
        start = self.block_offsets()["words"][0]
        return sp.csr_matrix(
            (row.data.astype(np.float32), (row.row, row.col + start)), shape=(1, self.n_features)
        )

    def terms(self) -> np.ndarray:
        """Readable name of every feature column; '' for character n-grams."""
        if self._terms is None:
            names: list[np.ndarray] = []
            for block in BLOCKS:
                vec = self.vectorizers[block]
                if vec is None:
                    continue
                block_terms = vec.get_feature_names_out().astype(object)
                if block == "authors":
                    block_terms = np.array([AUTHOR_PREFIX + t for t in block_terms], dtype=object)
                elif block not in READABLE_BLOCKS:
                    block_terms = np.full(len(block_terms), "", dtype=object)
                names.append(block_terms)
            self._terms = np.concatenate(names) if names else np.array([], dtype=object)
        return self._terms

    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays: dict[str, np.ndarray] = {
            "features.n_docs": np.array(self.n_docs),
            "features.words.pivot": np.array(self.words_pivot),
        }
        for block, vec in self.vectorizers.items():
            terms = vec.get_feature_names_out().tolist() if vec is not None else []
            arrays[f"features.{block}.terms"] = np.frombuffer("\n".join(terms).encode(), dtype=np.uint8)
            arrays[f"features.{block}.idf"] = (
                vec.idf_.astype(np.float64) if vec is not None else np.zeros(0, dtype=np.float64)
            )
        return arrays

    @classmethod
    def from_arrays(cls, settings: FeatureSettings, arrays: dict[str, np.ndarray]) -> TextFeatures:
        n_docs = int(arrays["features.n_docs"])
        vectorizers: dict[str, TfidfVectorizer | None] = {}
        for block in BLOCKS:
            idf = arrays[f"features.{block}.idf"]
            if len(idf) == 0:
                vectorizers[block] = None
                continue
            terms = arrays[f"features.{block}.terms"].tobytes().decode().split("\n")
            vec = _vectorizer(block, settings, n_docs, vocabulary={t: i for i, t in enumerate(terms)})
            vec.idf_ = idf
            vectorizers[block] = vec
        if "features.words.pivot" not in arrays:
            # An artifact from before pivoted normalisation: its rows are plain cosine-normalised.
            settings = replace(settings, length_pivot_slope=1.0)
            return cls(settings, vectorizers, n_docs)
        return cls(settings, vectorizers, n_docs, float(arrays["features.words.pivot"]))


def fit_text_features(
    papers: Sequence[PaperText], settings: FeatureSettings | None = None
) -> tuple[TextFeatures, sp.csr_matrix]:
    """Fit the vectorizers on a catalogue; returns them and the catalogue's feature matrix."""
    settings = settings or FeatureSettings()
    docs = block_documents(papers)
    vectorizers: dict[str, TfidfVectorizer | None] = {}
    blocks: dict[str, sp.csr_matrix | None] = {}
    for block in BLOCKS:
        vec = _vectorizer(block, settings, len(papers))
        try:
            blocks[block] = vec.fit_transform(docs[block])
        except ValueError:
            # No term survives pruning (no abstracts, no author shared by two papers): the block is off.
            vectorizers[block] = blocks[block] = None
            continue
        # The pruned-terms set can hold millions of bigrams and nothing needs it after fitting.
        if hasattr(vec, "stop_words_"):
            del vec.stop_words_
        if settings.idf_power != 1.0:
            # The matrix holds tf x idf; a factor idf ** (power - 1) per column makes it tf x idf ** power.
            extra = (vec.idf_ ** (settings.idf_power - 1.0)).astype(np.float32)
            vec.idf_ = vec.idf_**settings.idf_power
            blocks[block] = sp.csr_matrix(blocks[block] @ sp.diags(extra))
        vectorizers[block] = vec
    words = blocks["words"]
    norms = row_norms(words) if words is not None else np.zeros(0, dtype=np.float32)
    pivot = float(norms[norms > 0].mean()) if np.any(norms > 0) else 1.0
    features = TextFeatures(settings, vectorizers, len(papers), pivot)
    return features, features.assemble(blocks, len(papers))

"""Search by meaning: the papers whose embeddings are closest to the query's.

Every paper's vector (papers.PaperEmbedding) is held as one float32 matrix in each process that searches,
and a search is one matrix-vector product and a partial sort: about 20 million multiply-adds for 75k
papers at 256 dimensions, a few milliseconds of numpy (bench/semantic_search.py).

The matrix is a copy of the database, never a state of its own: every search first reads the one-row
EmbeddingsVersion (a primary-key lookup), which grows after every committed write of vectors, and
reloads the matrix when it differs from the number the copy was loaded at. So every process — any number
of web workers — answers from the vectors the database has, and a process that has never searched holds
nothing. Reloading reads a kilobyte per paper (a second or so for 75k), once after each import.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

import numpy as np
from threadpoolctl import ThreadpoolController

from papers.catalogue.embeddings import current_version
from papers.models import PaperEmbedding
from recommender.embeddings import DTYPE, dimensions, embed_texts, model_name

# A search by meaning ranks every paper; beyond this many the ranks say little.
MAX_RESULTS = 300
_LOAD_CHUNK = 5000


@dataclass(frozen=True)
class EmbeddingMatrix:
    version: int
    model: str
    paper_ids: np.ndarray  # int64, ascending
    vectors: np.ndarray  # float32, one unit-length row per paper id

    @classmethod
    def load(cls, version: int) -> EmbeddingMatrix:
        name = model_name()
        width = dimensions()
        rows = (
            PaperEmbedding.objects.filter(model=name)
            .order_by("paper_id")
            .values_list("paper_id", "vector")
            .iterator(chunk_size=_LOAD_CHUNK)
        )
        ids: list[int] = []
        blobs: list[bytes] = []
        for paper_id, vector in rows:
            ids.append(paper_id)
            blobs.append(bytes(vector))
        vectors = np.frombuffer(b"".join(blobs), dtype=DTYPE).reshape(len(ids), width)
        return cls(version, name, np.asarray(ids, dtype=np.int64), vectors)

    def nearest(
        self, query: np.ndarray, *, among: np.ndarray | None = None, limit: int = MAX_RESULTS
    ) -> list[int]:
        """Paper ids by cosine similarity to `query` (a unit vector), best first; `among`: only these ids."""
        vectors, ids = self.vectors, self.paper_ids
        if among is not None:
            positions = np.searchsorted(ids, among)
            found = positions < len(ids)
            found[found] = ids[positions[found]] == among[found]
            vectors, ids = vectors[positions[found]], ids[positions[found]]
        if not len(ids) or not query.any():
            return []
        # One BLAS thread: the product is bound by memory bandwidth, which more threads do not add,
        # and a web process's extra threads only contend with the other processes' requests.
        with _blas().limit(limits=1, user_api="blas"):
            scores = vectors @ query
        best = np.argpartition(-scores, limit)[:limit] if len(scores) > limit else np.arange(len(scores))
        # Ties by id, so a page of results does not reshuffle between requests.
        order = best[np.lexsort((ids[best], -scores[best]))]
        return [int(paper_id) for paper_id in ids[order]]


@functools.cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


_matrix: EmbeddingMatrix | None = None
_matrix_lock = threading.Lock()


def catalogue_matrix() -> EmbeddingMatrix:
    """This process's copy of every paper's vector, reloaded when the database has newer ones."""
    global _matrix
    version = current_version()
    matrix = _matrix
    if matrix is None or matrix.version != version or matrix.model != model_name():
        with _matrix_lock:
            matrix = _matrix
            if matrix is None or matrix.version != version or matrix.model != model_name():
                # Read after the version: vectors committed meanwhile are included, and the next
                # search, seeing a newer number, loads once more.
                matrix = _matrix = EmbeddingMatrix.load(version)
    return matrix


def search_by_meaning(query: str, *, among: list[int] | None = None, limit: int = MAX_RESULTS) -> list[int]:
    """Ids of the papers closest in meaning to `query`, best first; `among`: only within these papers."""
    vector = embed_texts([query])[0]
    among_ids = None if among is None else np.unique(np.asarray(among, dtype=np.int64))
    return catalogue_matrix().nearest(vector, among=among_ids, limit=limit)

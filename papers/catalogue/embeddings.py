"""Store the text embeddings of papers: at import, and for papers that have none (`embed_papers`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import transaction
from django.db.models import F, Q

from papers.models import EmbeddingsVersion, Paper, PaperEmbedding
from recommender.embeddings import embed_texts, model_name, paper_text, vector_to_bytes

BATCH_SIZE = 2000


def store_embeddings(papers: Iterable[Paper]) -> int:
    """Embed the title and abstract of each saved paper and write (or replace) its vector; one batch.

    Call it inside the transaction that wrote the papers: the vectors commit with them, and every process's
    in-memory matrix learns of them once the transaction has committed."""
    papers = [paper for paper in papers if paper.pk is not None]
    if not papers:
        return 0
    vectors = embed_texts([paper_text(paper.title, paper.abstract) for paper in papers])
    name = model_name()
    rows = [
        PaperEmbedding(paper_id=paper.pk, vector=vector_to_bytes(vector), model=name)
        for paper, vector in zip(papers, vectors, strict=True)
    ]
    PaperEmbedding.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["paper"],
        update_fields=["vector", "model", "embedded_at"],
    )
    transaction.on_commit(bump_version)
    return len(rows)


def bump_version() -> None:
    """Tell every process that keeps vectors in memory that stored vectors changed. Run after commit, so
    a process that sees the new number also sees the rows (one that read the rows early reloads once
    more, which is harmless)."""
    if not EmbeddingsVersion.objects.filter(pk=1).update(number=F("number") + 1):
        EmbeddingsVersion.objects.get_or_create(pk=1, defaults={"number": 1})


def current_version() -> int:
    number = EmbeddingsVersion.objects.filter(pk=1).values_list("number", flat=True).first()
    return number or 0


def papers_without_embedding() -> Iterator[list[Paper]]:
    """Papers with no vector, or one of another model or width, in batches of BATCH_SIZE by id."""
    missing = (
        Paper.objects.filter(Q(embedding__isnull=True) | ~Q(embedding__model=model_name()))
        .only("id", "title", "abstract")
        .order_by("pk")
    )
    last = 0
    while batch := list(missing.filter(pk__gt=last)[:BATCH_SIZE]):
        last = batch[-1].pk
        yield batch


def embed_missing() -> int:
    """Embed every paper that has no current vector, a batch per transaction; safe to run again."""
    stored = 0
    for batch in papers_without_embedding():
        with transaction.atomic():
            stored += store_embeddings(batch)
    return stored

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from papers.models import Paper


def daily(request: HttpRequest) -> HttpResponse:
    papers = Paper.objects.all()[:30]
    return render(request, "papers/daily.html", {"papers": papers})


def paper_detail(request: HttpRequest, pk: int) -> HttpResponse:
    paper = get_object_or_404(Paper, pk=pk)
    return render(request, "papers/paper_detail.html", {"paper": paper})


def paper_detail_arxiv(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    paper = get_object_or_404(Paper, arxiv_id=arxiv_id)
    return render(request, "papers/paper_detail.html", {"paper": paper})

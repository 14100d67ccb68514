from __future__ import annotations

from django.urls import path

from papers.views import catalogue

app_name = "papers"

urlpatterns = [
    path("", catalogue.daily, name="daily"),
    path("papers/<int:pk>/", catalogue.paper_detail, name="detail"),
    path("abs/<path:arxiv_id>/", catalogue.paper_detail_arxiv, name="detail_arxiv"),
]

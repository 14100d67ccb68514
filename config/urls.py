from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("papers.accounts.urls")),
    path("", include("papers.urls")),
]

handler500 = "papers.middleware.server_error"

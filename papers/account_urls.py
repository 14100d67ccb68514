from __future__ import annotations

from django.urls import include, path

from papers.views import accounts

# Log in, log out (POST only), password change and password reset are Django's own views and URLs.
urlpatterns = [
    path("signup/", accounts.signup, name="signup"),
    path("", include("django.contrib.auth.urls")),
]

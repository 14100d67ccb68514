from __future__ import annotations

from django.urls import include, path

from papers.accounts.views import signup as accounts

# Log in, log out (POST only), password change and password reset are Django's own views and URLs.
# Sign-up is confirmed by email, and password reset is Django's view behind a rate limit: this
# `password_reset` comes first, so it is the one that answers /accounts/password_reset/.
urlpatterns = [
    path("signup/", accounts.signup, name="signup"),
    path("signup/done/", accounts.signup_done, name="signup_done"),
    path("signup/confirm/<str:token>/", accounts.signup_confirm, name="signup_confirm"),
    path("password_reset/", accounts.password_reset, name="password_reset"),
    path("", include("django.contrib.auth.urls")),
]

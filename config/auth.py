"""The dotted path that sessions made before issue 21 name as their login backend.

Django keeps the backend's path in each session and finds the reader's user through it, so removing the
path would log every reader out. This alias serves those sessions with Django's own ModelBackend and
logs nobody in; delete it (and its line in settings.AUTHENTICATION_BACKENDS) once the sessions it
served have expired, SESSION_COOKIE_AGE (two weeks) after the release that added it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import backends


class ModelBackend(backends.ModelBackend):
    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:
        return None

"""Django's ModelBackend, with the user of every request read by a written-out query.

Every request of a logged-in reader loads their user, and ModelBackend does it with
`User.objects.get(pk=...)`: building and compiling that queryset costs more than PostgreSQL takes to
answer it (papers.model_rows says why). Here the same SELECT is written out and planned once per
connection; the instance is what the queryset returns (a test compares them field by field).

Django's own ModelBackend stays listed after this one (settings.AUTHENTICATION_BACKENDS), only so that
sessions made by it before this backend existed keep their reader logged in: a session names the
backend that logged it in. It never checks a password: a login this backend refuses stops there.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import backends, get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, router
from django.http import HttpRequest

from papers.model_rows import ModelColumns

_USER = ModelColumns(get_user_model(), "u")


class ModelBackend(backends.ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and username is not None and password is not None:
            # Not again in Django's ModelBackend: a second password hash per failed login would double
            # what a guess costs us. The failure is still reported (user_login_failed, django-axes).
            raise PermissionDenied
        return user

    def get_user(self, user_id: Any) -> Any:
        model = _USER.model
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        connection = connections[router.db_for_read(model)]
        key = connection.ops.quote_name(str(model._meta.pk.column))
        sql = f"SELECT {_USER.select(connection)} FROM {_USER.table(connection)} WHERE u.{key} = %s"
        users = _USER.fetch(connection, sql, [pk])
        return users[0] if users and self.user_can_authenticate(users[0]) else None

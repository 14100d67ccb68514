"""Django's database sessions, read with a written-out query.

Every request of a logged-in reader starts by reading their session, and Django's store does it with
`Session.objects.get(...)`: building and compiling that queryset cost ~0.75 ms of CPU on a 2-core
machine, where the same SELECT written out costs ~0.15 ms (papers.model_rows says why). Everything else
(the table, the cookie, saving, expiry, `clearsessions`) is Django's `db` backend, so sessions made by
either are the same rows.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from papers.model_rows import planned_once_cursor


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        model = self.model
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with planned_once_cursor(connection) as cursor:
            cursor.execute(
                f"SELECT {quote('session_data')} FROM {quote(model._meta.db_table)} "
                f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s",
                [self.session_key, now],
            )
            row = cursor.fetchone()
        if row is None:
            # As Django's: an unknown or expired key gets a new session on the next save.
            self._session_key = None
            return None
        return model(session_data=row[0])  # all that load() reads of it

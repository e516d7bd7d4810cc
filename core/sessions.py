"""Django's database sessions, read with one plain statement.

Every signed-in request reads its session first. Django's database backend asks the ORM,
which builds the same query anew each time: on a learner's kept page (three queries,
``core.personcache``) building it was a quarter of the request. This backend reads the
session's data with a fixed statement and otherwise is Django's own: the same table, the
same rows, the same saving, expiry and clearing (``manage.py clearsessions``), so switching
to or from it keeps everyone signed in.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        using = router.db_for_read(model)
        connection = connections[using]
        table = connection.ops.quote_name(model._meta.db_table)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} "  # noqa: S608 - the table's own name
                "WHERE session_key = %s AND expire_date > %s",
                [self.session_key, now],
            )
            row = cursor.fetchone()
        if row is None:  # none, or expired: a new session, as Django's backend does
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])

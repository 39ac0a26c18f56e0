"""Statements PostgreSQL plans once per connection: the write paths' own SQL.

Django's psycopg cursors bind parameters on the client, so PostgreSQL parses
and plans every statement it is sent. For the vote's read (four tables and
two subqueries) planning took five times longer than running it: 0.45 ms
against 0.09 ms (EXPLAIN ANALYZE on the benchmark world), and most of the
database's time on a vote. A statement run through `prepared_cursor()` is
bound on the server instead, and psycopg prepares it the first time a
connection runs it (`prepare_threshold` 0, set in settings): from then on
that connection only executes it. Only these cursors prepare; Django's own
never do, so every ORM statement is sent as before.

A statement prepared so must be one text whatever its parameters (a list of
`%s` of varying length makes one statement per length, which is fine for a
ballot's ten), and every parameter must have a type PostgreSQL can tell from
its place: where it cannot (a bare `SELECT %s` feeding an INSERT), the SQL
casts it.

Elsewhere than PostgreSQL this is the ordinary cursor: SQLite keeps its own
cache of compiled statements. PREPARED_STATEMENTS=false sends these
statements unprepared, for a connection pooler that cannot keep prepared
statements (PgBouncer in transaction mode before 1.21).
"""

import functools

from django.db import connection


@functools.cache
def _PreparingCursor():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        """Django's server-binding cursor, keeping the statement it ran where Django's
        query log reads it (`_query`), which psycopg sets only for statements it
        does not prepare: the log and the tests' query counts show it, as `$1` for
        each parameter."""

        def _send_query_prepared(self, name, pgq, *, binary=None):
            self._query = pgq
            super()._send_query_prepared(name, pgq, binary=binary)

    return PreparingCursor


def prepared_cursor():
    """A cursor of the default database whose statements are prepared once per connection.

    Django's own cursor wrapping (BaseDatabaseWrapper._cursor) around a
    server-binding cursor: the health check, the execute wrappers and the
    test suite's query counts apply as to any other cursor.
    """
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_PreparingCursor()(connection.connection))

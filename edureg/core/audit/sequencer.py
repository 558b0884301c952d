"""Assigns change-feed positions to committed change records.

Change records get their row id when they are inserted, but transactions commit in another order,
so a reader that followed the row id could skip a change committed late. Positions (`seq`) are
handed out instead after commit, in one statement, under a lock, to every committed record that has
none yet. Positions therefore only grow, and a reader following `seq` sees each change once.
"""

from django.db import connection, transaction

# An arbitrary constant naming the PostgreSQL advisory lock held while positions are assigned.
_LOCK_KEY = 472_031_905


def assign_positions() -> int:
    """Give feed positions to all committed, unsequenced change records. Returns how many."""
    from edureg.core.models import ObjectChange

    table = ObjectChange._meta.db_table
    sql = (
        f"UPDATE {table} SET seq = s.n FROM ("
        f"  SELECT id, (SELECT COALESCE(MAX(seq), 0) FROM {table}) + ROW_NUMBER() OVER (ORDER BY id) AS n"
        f"  FROM {table} WHERE seq IS NULL"
        f") AS s WHERE {table}.id = s.id"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        # SQLite serialises writers with its database lock, so the statement alone is enough there.
        cursor.execute(sql)
        return cursor.rowcount

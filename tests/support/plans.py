"""The database's plan for a queryset, to check that a listing walks the index meant for it."""

from django.db import connection, transaction


def query_plan(queryset) -> str:
    """EXPLAIN on PostgreSQL (sorting and sequential scans priced out, so a small test table plans
    as a big one would), EXPLAIN QUERY PLAN on SQLite; the plan's lines as one text."""
    sql, params = queryset.query.get_compiler(using="default").as_sql()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())

"""The bill listing's deep pages walk an index in the listing's order (issue 21): at 240,000 bills
page 1000 took 2.6× page 1 while the database sorted every bill of the estate for each page."""

from django.db import connection, transaction
from estates.scoping import scope_queryset
from fees.models import Bill


def _plan(queryset) -> str:
    sql, params = queryset.query.get_compiler(using="default").as_sql()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Sorting and sequential scans priced out, so a small table plans as a big one would.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1] if connection.vendor != "postgresql" else row[0]) for row in cursor.fetchall())


def test_the_bill_listing_pages_in_index_order(clerk_a):
    ids = scope_queryset(Bill.objects.all(), clerk_a).values_list("pk", flat=True)[4950:5001]
    plan = _plan(ids)
    assert "bill_listing_idx" in plan, plan
    if connection.vendor == "postgresql":
        assert "Sort" not in plan, plan
    else:
        assert "TEMP B-TREE" not in plan, plan

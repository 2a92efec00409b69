"""The bill listing's deep pages walk an index in the listing's order (issue 21): at 240,000 bills
page 1000 took 2.6× page 1 while the database sorted every bill of the estate for each page."""

from django.db import connection
from estates.scoping import scope_queryset
from fees.models import Bill

from tests.support.plans import query_plan


def test_the_bill_listing_pages_in_index_order(clerk_a):
    plan = query_plan(scope_queryset(Bill.objects.all(), clerk_a).values_list("pk", flat=True)[4950:5001])
    assert "bill_listing_idx" in plan, plan
    assert ("Sort" if connection.vendor == "postgresql" else "TEMP B-TREE") not in plan, plan

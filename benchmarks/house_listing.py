"""The admin house listing opens as fast for an estate of 5,000 houses as for one of 50.

Measures, in one run, the median time and the query count of the house listing page (one page
of 50 rows) for an estate of N houses (default 5,000) against the floor: the same page for an
estate of 50 houses. Prints both and their ratio (target: time ratio under 2, same query count).

    .venv/bin/python benchmarks/house_listing.py [--houses 5000] [--repeat 15]
"""

import argparse
import random
import statistics
import time

from _django import setup


def measure(client, url, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), len(queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--houses", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    from estates import roles
    from estates.demo import build_houses
    from estates.factories import EstateFactory, make_staff

    small, large = EstateFactory(code="SMALL"), EstateFactory(code="LARGE")
    build_houses(estate=small, count=50, rng=random.Random(1))
    build_houses(estate=large, count=args.houses, rng=random.Random(1))
    url = "/admin/snippets/estates/house/"
    results = {}
    for estate in (small, large):
        client = Client()
        client.force_login(make_staff(role=roles.CLERK, estates=[estate], username=f"clerk_{estate.code}"))
        results[estate.code] = measure(client, url, args.repeat)
    (t_floor, q_floor), (t_large, q_large) = results["SMALL"], results["LARGE"]
    print(f"database: {connection.vendor}")
    print(f"floor  : estate of 50 houses      {t_floor * 1000:7.1f} ms  {q_floor} queries")
    print(f"large  : estate of {args.houses:,} houses {t_large * 1000:7.1f} ms  {q_large} queries")
    print(f"ratio  : {t_large / t_floor:.2f}x time, {q_large - q_floor:+d} queries")


if __name__ == "__main__":
    main()

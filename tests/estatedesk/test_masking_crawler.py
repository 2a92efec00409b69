"""The masking crawler: for each role without ``estates.view_personal_data``, no full mobile or
ID number of any person of its own estate appears in any response or export of any GET route
(with the estate's ids in it). One test per role, so that ``-n 2`` spreads them."""

import pytest
from django.test import Client
from estates import roles
from estates.factories import EstateFactory, make_staff

from tests.estatedesk import crawl

pytestmark = pytest.mark.django_db

MASKED_ROLES = [role for role in roles.ROLES if role not in roles.PERSONAL_DATA_ROLES]


@pytest.fixture
def seeded(db):
    estate = EstateFactory(pk=crawl.SEED_ID, name="甲苑", code="zqa")
    seeder = crawl.Seeder(estate)
    seeder.seed_models()
    seeder.seed_content(by=make_staff(role=roles.ESTATE_MANAGER, estates=[estate], username="author_a"))
    return seeder


def test_the_estate_holds_personal_numbers(seeded):
    numbers = crawl.personal_numbers(seeded.estate)
    assert len(numbers) >= 5, numbers  # people, sign-ups, loans, tickets, messages...


@pytest.mark.parametrize("role", MASKED_ROLES)
def test_no_route_shows_a_full_mobile_or_id_number(seeded, role):
    numbers = crawl.personal_numbers(seeded.estate)
    client = Client()
    client.raise_request_exception = False
    client.force_login(make_staff(role=role, estates=[seeded.estate], username="masked"))
    urls = crawl.crawl_urls()
    shown = []
    for url in urls:
        body = crawl.body_text(client.get(url))
        found = [n.decode() for n in numbers if n in body]
        if found:
            shown.append(f"{url}: {', '.join(found)}")
    print(f"masking crawl: {len(urls)} routes × 1 role ({role})")
    assert not shown, f"{role} sees full personal numbers on {len(shown)} routes:\n" + "\n".join(shown[:60])

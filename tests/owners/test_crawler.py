"""An owner reaches nothing of another household: every owner page and API route with an id
parameter, called with another household's ids (same estate and another estate), answers 404 (or
sends to the sign-in) and shows none of its data."""

import pytest
from archives.factories import HouseholdFactory, PersonFactory
from django.urls import URLPattern, URLResolver, get_resolver
from estates.factories import HouseFactory
from fees.factories import PaymentFactory
from servicedesk.factories import TicketFactory, TicketPhotoFactory

pytestmark = pytest.mark.django_db

MARKER = "LEAKMARKER"


def _owner_routes():
    """(name, route pattern, parameters) of every owners_ URL with parameters."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and (p.name or "").startswith("owners_"):
                yield p.name, prefix + str(p.pattern), list(p.pattern.converters)

    return [r for r in walk(get_resolver().url_patterns) if r[2]]


def test_every_owner_route_with_an_id_is_crawled():
    names = {name for name, _route, _params in _owner_routes()}
    assert {"owners_receipt", "owners_ticket", "owners_ticket_confirm", "owners_ticket_photo", "owners_api_receipt",
            "owners_api_ticket", "owners_api_ticket_confirm", "owners_api_ticket_photo"} <= names


def _victims(house):
    ticket = TicketFactory(house=house, description=MARKER, contact_name=MARKER, status="done")
    photo = TicketPhotoFactory(ticket=ticket)
    payment = PaymentFactory(house=house, payer=MARKER)
    return {"pk": {"ticket": ticket.pk, "receipt": payment.pk}, "photo": photo.pk}


@pytest.mark.parametrize("where", ["same estate", "other estate"])
def test_another_households_ids_are_not_found(owner_a, house_a, house_b, web_for, api_for, where):
    other_house = house_b if where == "other estate" else HouseFactory(building=house_a.building, room="999")
    PersonFactory(household=HouseholdFactory(house=other_house), name=MARKER)
    ids = _victims(other_house)
    web, api = web_for(owner_a), api_for(owner_a)
    crawled = 0
    for name, route, params in _owner_routes():
        kind = "receipt" if "receipt" in name else "ticket"
        values = {"pk": ids["pk"][kind], "photo": ids["photo"]}
        url = "/" + route
        for param in params:
            url = url.replace(f"<int:{param}>", str(values[param]))
        client = api if name.startswith("owners_api_") else web
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            body = b"".join(response) if hasattr(response, "streaming_content") else response.content
            assert response.status_code in (404, 405), (method, url, response.status_code)
            assert MARKER.encode() not in body, (method, url)
            crawled += 1
    assert crawled >= 16


def test_the_lists_hold_only_the_own_household(owner_a, house_a, house_b, web_for, api_for):
    _victims(house_b)
    _victims(HouseFactory(building=house_a.building, room="998"))
    web = web_for(owner_a)
    for url in ("/owner/", "/owner/tickets/", "/owner/bills/", "/owner/household/", "/owner/events/"):
        assert MARKER not in web.get(url).content.decode(), url
    api = api_for(owner_a)
    for url in ("/api/owner/v1/me/", "/api/owner/v1/tickets/", "/api/owner/v1/bills/", "/api/owner/v1/receipts/",
                "/api/owner/v1/signups/"):
        response = api.get(url)
        assert response.status_code == 200 and MARKER not in response.content.decode(), url

"""A ticket's clocks are listed in the order they happen (响应 → 完成 → 回访), even when a fast
repair's return visit falls due before its finish deadline."""

from datetime import timedelta

import pytest
from servicedesk import services

pytestmark = pytest.mark.django_db


def test_clocks_in_the_order_they_happen(frozen, intake, clerk_a, client_for):
    ticket = intake()
    services.ticket_dispatch(ticket=ticket, contractor="水电班", by=clerk_a)
    services.ticket_start(ticket=ticket, by=clerk_a)
    frozen.shift(timedelta(hours=1))
    services.ticket_done(ticket=ticket, result="已更换水管", by=clerk_a)
    by_due = list(ticket.clocks.order_by("due_at").values_list("kind", flat=True))
    assert by_due == ["respond", "return_visit", "finish"]  # the order that used to be shown

    response = client_for(clerk_a).get(f"/admin/servicedesk/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert [c["clock"].kind for c in response.context["clocks"]] == ["respond", "finish", "return_visit"]
    html = response.content.decode()
    table = html[html.index('id="ticket-clocks"'):]
    assert table.index("响应") < table.index("完成") < table.index("回访")

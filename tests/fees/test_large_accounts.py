"""Large accounts: the share is a setting (1 % by default); the board shows it and lists them."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from fees import ladder, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(estate_a, property_fee, make_house):
    estate_a.managed_area = Decimal("10000")
    estate_a.save()
    big, small = make_house(area="150.00"), make_house(area="90.00")
    with time_machine.travel(dt.datetime(2026, 1, 1, 2, tzinfo=dt.UTC), tick=False):
        services.bills_issue(estate=estate_a, period=dt.date(2026, 1, 1))
    with time_machine.travel(dt.datetime(2026, 1, 20, 2, tzinfo=dt.UTC), tick=False):
        services.arrears_sweep(estate=estate_a)
    return big, small


def test_the_board_shows_the_share_and_the_large_accounts(board, client_for, clerk_a, clerk_b):
    big, small = board
    content = client_for(clerk_a).get("/admin/snippets/fees/arrearscase/").content.decode()
    panel = content[content.index('data-testid="large-accounts"'):]
    panel = panel[: panel.index("</section>")]
    assert "1 %" in panel and big.label in panel and small.label not in panel
    # Another estate's clerk sees none of them.
    other = client_for(clerk_b).get("/admin/snippets/fees/arrearscase/").content.decode()
    assert big.label not in other


def test_the_share_is_a_setting(settings, board, estate_a, client_for, clerk_a):
    settings.FEES_LARGE_ACCOUNT_SHARE = "0.005"
    assert ladder.large_account_share() == Decimal("0.005")
    with time_machine.travel(dt.datetime(2026, 1, 21, 2, tzinfo=dt.UTC), tick=False):
        services.arrears_sweep(estate=estate_a)
    content = client_for(clerk_a).get("/admin/snippets/fees/arrearscase/").content.decode()
    panel = content[content.index('data-testid="large-accounts"'):]
    panel = panel[: panel.index("</section>")]
    big, small = board
    assert "0.5 %" in panel and big.label in panel and small.label in panel

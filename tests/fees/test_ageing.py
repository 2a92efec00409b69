"""The ageing report (账龄分析) against a hand-made fixture: every bucket boundary, by house and by
fee item, building subtotals, the share of the year's billing, the screen and the .xlsx."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from estates.factories import BuildingFactory, HouseFactory
from fees import ageing
from fees.factories import BillFactory, FeeItemFactory
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 6, 15)


@pytest.fixture
def ledger(estate_a, estate_b):
    """Two buildings, two fee items, bills due on each side of each bucket boundary."""
    b1 = BuildingFactory(estate=estate_a, name="1栋")
    b2 = BuildingFactory(estate=estate_a, name="2栋")
    h1 = HouseFactory(building=b1, unit="1", room="101", floor=1)
    h2 = HouseFactory(building=b2, unit="1", room="201", floor=2)
    paid_up = HouseFactory(building=b2, unit="1", room="202", floor=2)
    fee = FeeItemFactory(estate=estate_a, name="物业服务费")
    parking = FeeItemFactory(estate=estate_a, name="停车费")

    def bill(house, item, period, due, amount, paid="0"):
        return BillFactory(house=house, fee_item=item, period=period, due_date=due,
                           amount=Decimal(amount), paid=Decimal(paid))

    # h1, property fee: one bill per bucket, each exactly on its boundary (due N months before).
    bill(h1, fee, dt.date(2026, 6, 1), dt.date(2026, 5, 15), "100")        # 1 month: ≤ 1
    bill(h1, fee, dt.date(2026, 5, 1), dt.date(2026, 5, 14), "110")        # 1 month + 1 day: 1–3
    bill(h1, fee, dt.date(2026, 3, 1), dt.date(2026, 3, 15), "120")        # 3 months: 1–3
    bill(h1, fee, dt.date(2025, 12, 1), dt.date(2025, 12, 15), "130")      # 6 months: 3–6
    bill(h1, fee, dt.date(2025, 6, 1), dt.date(2025, 6, 15), "140")        # 12 months: 6–12
    bill(h1, fee, dt.date(2025, 5, 1), dt.date(2025, 6, 14), "150")        # 12 months + 1 day: > 12
    # h2: a partly paid parking bill (only the rest counts) and a bill not yet due (not overdue).
    bill(h2, parking, dt.date(2026, 4, 1), dt.date(2026, 4, 16), "300", paid="100")  # 2 months: 1–3, 200 owed
    bill(h2, fee, dt.date(2026, 6, 2), dt.date(2026, 6, 15), "90")          # due today: not overdue
    bill(paid_up, fee, dt.date(2026, 1, 1), dt.date(2026, 1, 16), "80", paid="80")
    # Another estate's arrears never appear.
    BillFactory(house=HouseFactory(building=BuildingFactory(estate=estate_b)), period=dt.date(2026, 1, 1),
                due_date=dt.date(2026, 1, 16), amount=Decimal("999"))
    return {"h1": h1, "h2": h2, "b1": b1}


def test_buckets_by_house(estate_a, ledger):
    report = ageing.ageing_report(estate=estate_a, as_of=AS_OF, by="house")
    rows = {r["room"]: r for r in report.rows}
    assert set(rows) == {"101", "201"}
    h1 = rows["101"]
    assert (h1["m1"], h1["m3"], h1["m6"], h1["m12"], h1["older"], h1["total"]) == (
        Decimal("100"), Decimal("230"), Decimal("130"), Decimal("140"), Decimal("150"), Decimal("750"),
    )
    assert (rows["201"]["m3"], rows["201"]["total"]) == (Decimal("200"), Decimal("200"))
    assert report.totals["total"] == Decimal("950")
    # Billed in 2026 (periods of the year): 100 + 110 + 120 + 300 + 90 + 80 = 800.
    assert report.billed_this_year == Decimal("800")
    assert report.share_of_year == Decimal("118.8")
    assert [(b["building"], b["houses"], b["total"]) for b in ageing.building_totals(report)] == [
        ("1栋", 1, Decimal("750")), ("2栋", 1, Decimal("200")),
    ]


def test_by_fee_item_and_per_building(estate_a, ledger):
    report = ageing.ageing_report(estate=estate_a, as_of=AS_OF, by="item")
    assert {r["fee_item__name"]: r["total"] for r in report.rows} == {"物业服务费": Decimal("750"), "停车费": Decimal("200")}
    one = ageing.ageing_report(estate=estate_a, as_of=AS_OF, by="house", building=ledger["b1"])
    assert [r["room"] for r in one.rows] == ["101"] and one.billed_this_year == Decimal("330")


def test_the_report_is_one_aggregate(estate_a, ledger, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # the aggregate with its labels, the year's billing
        ageing.ageing_report(estate=estate_a, as_of=AS_OF, by="house")


def test_months_before_keeps_month_ends():
    assert ageing.months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert ageing.months_before(dt.date(2026, 1, 15), 12) == dt.date(2025, 1, 15)


def test_the_admin_page_and_its_xlsx(estate_a, estate_b, ledger, client_for, clerk_a):
    client = client_for(clerk_a)
    response = client.get("/admin/fees/ageing/", {"estate": estate_a.pk, "as_of": "2026-06-15"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "101" in content and "950" in content and "118.8" in content
    response = client.get("/admin/fees/ageing/", {"estate": estate_a.pk, "as_of": "2026-06-15", "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][:3] == ["1栋", "1", "101"] and values[1][-1] == 750
    assert any(row[-1] == 950 for row in values)
    # Another estate's report is refused; a bad date is a 400, never a 500.
    assert client.get("/admin/fees/ageing/", {"estate": estate_b.pk}).status_code == 400
    assert client.get("/admin/fees/ageing/", {"estate": estate_a.pk, "as_of": "2026-13-45"}).status_code == 400
    assert client.get("/admin/fees/ageing/", {"estate": "x"}).status_code == 400


def test_roles_without_bills_are_refused(estate_a, make_user, client_for):
    from estates import roles

    response = client_for(make_user(roles.SECRETARY, [estate_a])).get("/admin/fees/ageing/")
    assert response.status_code in (302, 403)

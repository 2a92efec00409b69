"""The meter-readings import on the shared upload reader: the house template's headers (小区代码),
a title row, Excel-dialect CSV, the shared safety checks and a "did you mean" hint."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from fees.models import MeterReading

from .test_admin import _water


def _post(client, item, name, data):
    return client.post("/admin/fees/readings/import/", {
        "fee_item": item.pk, "period": "2026-01", "file": SimpleUploadedFile(name, data)})


def test_synonym_headers_title_row_and_semicolons(estate_a, make_house, clerk_a, client_for):
    item = _water(estate_a)
    house = make_house()
    text = ("2026年1月水表抄表\n"
            "小区代码;楼号;单元;房间号;上期读数;本期读数\n"
            f'HYY;2栋;1;{house.room};"1,000";1012.5\n')
    response = _post(client_for(clerk_a), item, "r.csv", text.encode("gb18030"))
    assert response.status_code == 302, response.content.decode()[:2000]
    reading = MeterReading.objects.get()
    assert (reading.house_id, reading.previous, reading.reading) == (house.pk, Decimal("1000"), Decimal("1012.5"))
    assert reading.period == dt.date(2026, 1, 1)


def test_unknown_header_gets_a_hint_and_a_renamed_exe_is_refused(estate_a, make_house, clerk_a, client_for):
    item = _water(estate_a)
    make_house()
    client = client_for(clerk_a)
    response = _post(client, item, "r.csv", "小区代码,楼栋,单元,房号,本期读书\nHYY,2栋,1,0001,3\n".encode())
    page = response.content.decode()
    assert response.status_code == 400 and "本期读书" in page and "是不是" in page
    response = _post(client, item, "r.csv", b"PK\x03\x04" + b"\x00" * 100)
    assert response.status_code == 400 and not MeterReading.objects.exists()

"""What staff type into cells, and how files are decoded."""

import datetime
from decimal import Decimal

import pytest
from spreadsheets import cells
from spreadsheets.reading import decode_csv
from spreadsheets.safety import SpreadsheetError


@pytest.mark.parametrize("value", [
    "2024-05-01", "2024/5/1", "2024年5月1日", " 2024 年 5 月 1 日 ", "2024.5.1", 45413, 45413.0, "45413",
    datetime.datetime(2024, 5, 1, 0, 0), datetime.date(2024, 5, 1), "2024-05-01 00:00:00",
])
def test_dates(value):
    assert cells.parse_date(value) == datetime.date(2024, 5, 1)


@pytest.mark.parametrize("value", ["2024-02-30", "明天", "1", 99999])
def test_bad_dates(value):
    with pytest.raises(ValueError):
        cells.parse_date(value)


def test_blank_dates():
    assert cells.parse_date(None) is None and cells.parse_date("") is None


@pytest.mark.parametrize("value", ["138 0013 8000", "138-0013-8000", "１３８００１３８０００", "+86 13800138000", 13800138000, 13800138000.0])
def test_mobiles(value):
    assert cells.MobileWidget().clean(value) == "13800138000"


def test_text_numbers_and_choices():
    assert cells.TextWidget().clean(1201.0) == "1201" and cells.TextWidget().clean("  3栋 ") == "3栋"
    assert cells.IntegerWidget().clean("１２") == 12 and cells.IntegerWidget().clean(3.0) == 3
    with pytest.raises(ValueError):
        cells.IntegerWidget().clean("3.5")
    assert cells.DecimalWidget().clean("1,088.5㎡") == Decimal("1088.50")
    widget = cells.ChoiceWidget([("vacant", "vacant"), ("rented", "rented")])
    assert widget.clean("VACANT") == "vacant" and widget.clean(None) is None
    with pytest.raises(ValueError):
        widget.clean("sold")
    assert cells.BooleanWidget().clean("是") is True and cells.BooleanWidget().clean("否") is False


def test_csv_encodings():
    text = "小区代码,楼栋\nHYY,3栋\n"
    assert decode_csv(text.encode("utf-8")) == text
    assert decode_csv(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    assert decode_csv(text.encode("gb18030")) == text
    assert decode_csv(text.encode("utf-16")) == text


def test_undecodable_csv():
    with pytest.raises(SpreadsheetError):
        decode_csv(b"\x81\x30\xff\xfe\xfd")

"""Helpers for spreadsheet tests: build workbooks and CSV files, upload them, read downloads."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

HOUSE_HEADERS = ["小区代码", "楼栋", "单元", "楼层", "房号", "建筑面积(m²)", "状态", "用途"]


def xlsx_file(rows, name="houses.xlsx", title_rows=()):
    workbook = Workbook()
    sheet = workbook.active
    for row in title_rows:
        sheet.append(list(row))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def csv_file(rows, name="houses.csv", encoding="utf-8"):
    import csv

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def read_xlsx(content: bytes, sheet=0):
    workbook = load_workbook(io.BytesIO(content))
    return [list(row) for row in workbook.worksheets[sheet].iter_rows(values_only=True)]


def content_of(response) -> bytes:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def upload():
    """upload(client, key, file) → the response of the upload (following redirects)."""

    def _upload(client, key, file, follow=True):
        return client.post(reverse("spreadsheets:import", args=[key]), {"file": file}, follow=follow)

    return _upload


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def headers():
    return list(HOUSE_HEADERS)

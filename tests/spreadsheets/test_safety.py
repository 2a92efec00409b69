"""Hostile and broken files: a clear message and a 4xx, never a 500, nothing stored or written."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from estates.models import House
from spreadsheets.models import ImportJob
from spreadsheets.safety import escape_cell, unescape_cell

from .conftest import xlsx_file

KEY = "estates.house"


def post(client, file):
    return client.post(reverse("spreadsheets:import", args=[KEY]), {"file": file})


def zip_bytes(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def assert_refused(response, text):
    assert response.status_code == 400
    assert text in response.content.decode()
    assert not ImportJob.objects.exists()
    assert House.objects.count() == 0


@pytest.fixture
def client(client_for, supervisor_a):
    return client_for(supervisor_a)


def test_too_large(client, settings):
    settings.SPREADSHEETS_MAX_UPLOAD_BYTES = 100
    assert_refused(post(client, SimpleUploadedFile("a.csv", b"x" * 200)), "文件太大")


def test_empty_file(client):
    assert_refused(post(client, SimpleUploadedFile("a.csv", b"")), "")


def test_old_xls_and_other_extensions(client):
    assert_refused(post(client, SimpleUploadedFile("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100)), ".xls")
    assert_refused(post(client, SimpleUploadedFile("a.exe", b"MZ" + b"0" * 100)), ".xlsx")


def test_extension_and_magic_bytes_must_agree(client):
    assert_refused(post(client, SimpleUploadedFile("a.xlsx", "小区代码,楼栋\n".encode())), "不是 Excel 工作簿")
    data = xlsx_file([["a"]]).read()
    assert_refused(post(client, SimpleUploadedFile("a.csv", data)), "不是文本")


def test_damaged_zip(client):
    assert_refused(post(client, SimpleUploadedFile("a.xlsx", b"PK\x03\x04" + b"\x00garbage" * 50)), "损坏")


def test_zip_that_is_not_a_workbook(client):
    assert_refused(post(client, SimpleUploadedFile("a.xlsx", zip_bytes({"hello.txt": "hi"}))), "不是 Excel 工作簿")


def test_zip_bomb_ratio(client):
    bomb = zip_bytes({"[Content_Types].xml": "x", "xl/workbook.xml": "x", "xl/worksheets/sheet1.xml": b"\0" * (30 * 1024 * 1024)})
    assert len(bomb) < 100_000
    assert_refused(post(client, SimpleUploadedFile("a.xlsx", bomb)), "压缩炸弹")


def test_zip_bomb_total_size_and_members(client, settings):
    settings.SPREADSHEETS_MAX_UNCOMPRESSED_BYTES = 1000
    data = zip_bytes({"[Content_Types].xml": "x" * 600, "xl/workbook.xml": "x" * 600})
    assert_refused(post(client, SimpleUploadedFile("a.xlsx", data)), "解压后")
    settings.SPREADSHEETS_MAX_UNCOMPRESSED_BYTES = 10**9
    settings.SPREADSHEETS_MAX_ZIP_MEMBERS = 5
    data = zip_bytes({f"m{i}": "x" for i in range(10)})
    assert_refused(post(client, SimpleUploadedFile("a.xlsx", data)), "部件过多")


def test_xml_entity_bomb_is_refused_by_defusedxml(client):
    from spreadsheets.safety import defusedxml_in_use

    assert defusedxml_in_use()
    good = xlsx_file([["小区代码"], ["HYY"]]).read()
    source = zipfile.ZipFile(io.BytesIO(good))
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    members = {info.filename: source.read(info.filename) for info in source.infolist()}
    members["xl/worksheets/sheet1.xml"] = laughs
    assert_refused(post(client, SimpleUploadedFile("a.xlsx", zip_bytes(members))), "无法读取")


def test_undecodable_csv(client):
    assert_refused(post(client, SimpleUploadedFile("a.csv", b"\x81\x30\xff\xfe\xfd" * 3 + b"\n")), "编码")


def test_formula_escaping_round_trip():
    for text in ("=1+1", "+86", "-3", "@SUM(A1)", "\tx", "\rx"):
        assert escape_cell(text) == "'" + text
        assert unescape_cell(escape_cell(text)) == text
    assert escape_cell("正常") == "正常" and escape_cell(5) == 5

"""Listings read in Chinese: yes/no fields as 是/否, the personal-data log's fields by their names."""

import re

import pytest
from archives.factories import PersonFactory
from django.urls import reverse
from estates import roles
from estates.personal_data import log_personal_data_access
from fees.factories import FeeItemFactory
from fees.models import FeeItem

pytestmark = pytest.mark.django_db


def cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>|\s+", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]


def test_a_yes_no_column_reads_shi_and_fou(client_for, make_user, estate_a):
    FeeItemFactory(estate=estate_a, name="停车费", active=True)
    FeeItemFactory(estate=estate_a, name="旧收费项", active=False)
    client = client_for(make_user(roles.ESTATE_MANAGER, [estate_a]))
    html = client.get(reverse(FeeItem.snippet_viewset.get_url_name("list"))).content.decode()
    row_cells = cells(html)
    assert "是" in row_cells and "否" in row_cells
    assert "True" not in row_cells and "False" not in row_cells


def test_the_access_log_names_the_fields_as_the_screens_do(client_for, make_user, estate_a):
    person = PersonFactory(household__house__building__estate=estate_a)
    manager = make_user(roles.ESTATE_MANAGER, [estate_a])
    log_personal_data_access(user=manager, obj=person, fields=["mobile", "id_number"], action="view", estate=estate_a)
    log_personal_data_access(user=manager, fields=["mobile"], action="export", estate=estate_a, detail="导出")
    from estates.models import PersonalDataAccess

    html = client_for(manager).get(reverse(PersonalDataAccess.snippet_viewset.get_url_name("list"))).content.decode()
    row_cells = cells(html)
    assert not {"mobile", "id_number", "mobile, id_number"} & set(row_cells)
    assert "手机号、证件号码" in row_cells and "手机号" in row_cells

"""Validation rules of the archives: mobiles, resident IDs, plates, leases, keys, documents."""

import datetime

import pytest
from archives.factories import resident_id
from archives.models import Document, Key, Person, Vehicle
from archives.validators import (
    normalize_plate,
    resident_id_check_code,
    validate_plate,
    validate_resident_id,
)
from django.core.exceptions import ValidationError


@pytest.mark.parametrize("number", ["11010519491231002X", resident_id(1), resident_id(999, datetime.date(2000, 2, 29))])
def test_valid_resident_ids(number):
    validate_resident_id(number)


def test_lowercase_x_and_full_width_digits_are_normalised():
    validate_resident_id("11010519491231002x")
    validate_resident_id("１１０１０５１９４９１２３１００２Ｘ")


@pytest.mark.parametrize("number, code", [
    ("11010519491231002", "id_format"),          # 17 characters
    ("1101051949123100212", "id_format"),        # 19 characters
    ("11010519491231002A", "id_format"),         # not a digit or X
    ("110105194912310021", "id_checksum"),       # wrong checksum
    ("110105194902300028", "id_birth_date"),     # 30 February
    ("110105209912310020", "id_birth_date"),     # born in the future
])
def test_invalid_resident_ids(number, code):
    if code != "id_format":
        # make the checksum right so that only the date is wrong
        number = number[:17] + resident_id_check_code(number[:17]) if code == "id_birth_date" else number
    with pytest.raises(ValidationError) as exc:
        validate_resident_id(number)
    assert exc.value.code == code


@pytest.mark.parametrize("plate", ["粤B12345", "京A8888学", "沪AD12345", "粤B12345D", "苏EF6789A".replace("A", "0"), "粤b·12345", "粤B 1234 5"])
def test_valid_plates(plate):
    validate_plate(plate)


@pytest.mark.parametrize("plate", ["粤B1234", "B12345", "粤I12345", "XX12345", "粤B123456", "粤BZ12345", "粤B1234DD"])
def test_invalid_plates(plate):
    with pytest.raises(ValidationError) as exc:
        validate_plate(plate)
    assert exc.value.code == "plate_format"


def test_plate_normalisation():
    assert normalize_plate(" 粤b·12345 ") == "粤B12345"


def _errors(obj):
    with pytest.raises(ValidationError) as exc:
        obj.full_clean()
    return exc.value.message_dict


def test_person_mobile_is_normalised_not_rejected(household_a):
    person = Person(household=household_a, name="赵六", mobile="１３８-0013 8001", id_number="")
    person.full_clean()
    person.save()
    assert person.mobile == "13800138001"


def test_person_rejects_a_bad_mobile_with_a_translated_message(household_a):
    from django.utils import translation

    with translation.override("zh-hans"):
        errors = _errors(Person(household=household_a, name="赵六", mobile="12345"))
    assert "mobile" in errors
    assert "11" in errors["mobile"][0]


def test_person_resident_id_is_checked_but_other_documents_are_free_text(household_a):
    errors = _errors(Person(household=household_a, name="赵六", id_type="resident_id", id_number="110105194912310021"))
    assert "id_number" in errors
    Person(household=household_a, name="John", id_type="passport", id_number="E12345678").full_clean()
    Person(household=household_a, name="陈七", id_type="hk_macao_taiwan_permit", id_number="H1234567").full_clean()


def test_lease_must_end_after_it_starts(household_a):
    start = datetime.date(2026, 1, 1)
    errors = _errors(Person(household=household_a, name="租客", role="tenant", lease_start=start, lease_end=start))
    assert "lease_end" in errors
    Person(household=household_a, name="租客", role="tenant", lease_start=start,
           lease_end=datetime.date(2027, 1, 1)).full_clean()


def test_tenant_needs_lease_dates(household_a):
    assert "lease_end" in _errors(Person(household=household_a, name="租客", role="tenant"))


def test_database_refuses_a_lease_that_ends_before_it_starts(household_a):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Person.objects.create(household=household_a, name="x", role="tenant",
                              lease_start=datetime.date(2026, 5, 1), lease_end=datetime.date(2026, 1, 1))


def test_vehicle_plate_format_and_permit_period(household_a):
    errors = _errors(Vehicle(household=household_a, plate="ABC", permit_valid_from=datetime.date(2026, 2, 1),
                             permit_valid_to=datetime.date(2026, 1, 1)))
    assert set(errors) >= {"plate", "permit_valid_to"}


def test_key_opens_a_house_or_a_room_not_both_nor_neither(estate_a, house_a):
    assert "opens_house" in _errors(Key(estate=estate_a, tag="K1"))
    assert "opens_room" in _errors(Key(estate=estate_a, tag="K1", opens_house=house_a, opens_room="屋顶"))
    Key(estate=estate_a, tag="K1", opens_room="屋顶").full_clean()


def test_key_house_must_be_in_the_keys_estate(estate_b, house_a):
    assert "opens_house" in _errors(Key(estate=estate_b, tag="K1", opens_house=house_a))


def test_document_year_and_household_estate(estate_b, household_a):
    errors = _errors(Document(estate=estate_b, household=household_a, title="t", category="notice", year=1800))
    assert set(errors) >= {"year", "household"}

"""Validation of archive data: mainland resident IDs, Chinese plates, leases, keys, documents.

Messages are translated and say what is expected. Mobile numbers use
``estates.personal_data`` (normalised, not rejected, for spaces, dashes and full-width digits).
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from estates.personal_data import normalize_mobile, validate_mobile

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CODES = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_LETTER = "A-HJ-NP-Z"  # I and O are never used on plates
#: 7 characters: province, issuing-authority letter, five serial characters (the last may be 挂学警港澳).
_PLATE_RE = re.compile(rf"^[{_PROVINCES}][{_LETTER}][{_LETTER}0-9]{{4}}[{_LETTER}0-9挂学警港澳]$")
#: 8 characters, new-energy plates: small vehicles D/F (and since 2022 A-K) + a letter or digit +
#: four digits (粤BD12345), large vehicles five digits + D/F (粤B12345D).
_NEW_ENERGY_PLATE_RE = re.compile(
    rf"^[{_PROVINCES}][{_LETTER}](?:[A-HJK][{_LETTER}0-9]\d{{4}}|\d{{5}}[DF])$"
)
_PLATE_SEPARATORS = re.compile(r"[\s·•.\-]")


def normalize_id_number(value: str) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip().replace(" ", "").upper()


def validate_resident_id(value: str) -> None:
    """An 18-character mainland resident ID: 17 digits, a checksum (0-9 or X), a real birth date."""
    number = normalize_id_number(value)
    if not _ID_RE.match(number):
        raise ValidationError(
            _("A resident ID number has 18 characters: 17 digits and a final digit or X."), code="id_format"
        )
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        born = None
    if born is None or born.year < 1900 or born > timezone.localdate():
        raise ValidationError(
            _("The birth date in this resident ID number (characters 7 to 14) is not a real date."),
            code="id_birth_date",
        )
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=False))
    if _ID_CHECK_CODES[total % 11] != number[17]:
        raise ValidationError(
            _("This resident ID number is mistyped: its last character does not match the checksum."),
            code="id_checksum",
        )


def resident_id_check_code(first17: str) -> str:
    """The checksum character of the first 17 digits (used by factories and demo data)."""
    return _ID_CHECK_CODES[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=False)) % 11]


def normalize_plate(value: str) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).upper()
    return _PLATE_SEPARATORS.sub("", text)


def validate_plate(value: str) -> None:
    plate = normalize_plate(value)
    if not (_PLATE_RE.match(plate) or _NEW_ENERGY_PLATE_RE.match(plate)):
        raise ValidationError(
            _("Enter a Chinese plate number such as 粤B12345, or a new-energy plate such as 粤BD12345."),
            code="plate_format",
        )


def validate_person(person) -> None:
    """All rules of a person of a household; raises one ValidationError keyed by field."""
    errors: dict[str, list] = {}
    if person.mobile:
        try:
            validate_mobile(person.mobile)
        except ValidationError as exc:
            errors.setdefault("mobile", []).extend(exc.error_list)
        else:
            person.mobile = normalize_mobile(person.mobile)
    if person.id_number:
        person.id_number = normalize_id_number(person.id_number)
        if person.id_type == "resident_id":
            try:
                validate_resident_id(person.id_number)
            except ValidationError as exc:
                errors.setdefault("id_number", []).extend(exc.error_list)
    if person.role == "tenant" and not (person.lease_start and person.lease_end):
        errors.setdefault("lease_end", []).append(
            ValidationError(_("A tenant needs the lease start and end dates."), code="lease_missing")
        )
    if person.lease_start and person.lease_end and person.lease_end <= person.lease_start:
        errors.setdefault("lease_end", []).append(
            ValidationError(_("The lease must end after it starts."), code="lease_order")
        )
    if errors:
        raise ValidationError(errors)


def validate_vehicle(vehicle) -> None:
    errors: dict[str, list] = {}
    if vehicle.plate:
        try:
            validate_plate(vehicle.plate)
        except ValidationError as exc:
            errors.setdefault("plate", []).extend(exc.error_list)
        else:
            vehicle.plate = normalize_plate(vehicle.plate)
    if vehicle.permit_valid_from and vehicle.permit_valid_to and vehicle.permit_valid_to < vehicle.permit_valid_from:
        errors.setdefault("permit_valid_to", []).append(
            ValidationError(_("The permit cannot end before it starts."), code="permit_order")
        )
    if errors:
        raise ValidationError(errors)


def validate_key(key) -> None:
    errors: dict[str, list] = {}
    room = (key.opens_room or "").strip()
    if key.opens_house_id and room:
        errors.setdefault("opens_room", []).append(
            ValidationError(_("A key opens either a house or a shared room: give exactly one."), code="key_opens")
        )
    elif not key.opens_house_id and not room:
        errors.setdefault("opens_house", []).append(
            ValidationError(_("Say what the key opens: a house or a shared room."), code="key_opens")
        )
    if key.opens_house_id and key.estate_id and key.opens_house.building.estate_id != key.estate_id:
        errors.setdefault("opens_house", []).append(
            ValidationError(_("The house must be in the key's estate."), code="key_estate")
        )
    if errors:
        raise ValidationError(errors)


def validate_document(document) -> None:
    errors: dict[str, list] = {}
    this_year = timezone.localdate().year
    if document.year is not None and not 1950 <= document.year <= this_year + 1:
        errors.setdefault("year", []).append(
            ValidationError(
                _("Enter a year between 1950 and %(max)s.") % {"max": this_year + 1}, code="year_range"
            )
        )
    if document.household_id and document.estate_id and document.household.house.building.estate_id != document.estate_id:
        errors.setdefault("household", []).append(
            ValidationError(_("The household must be in the document's estate."), code="document_estate")
        )
    document.reference = (document.reference or "").strip()
    upload = document.file
    if upload and not getattr(upload, "_committed", True):  # a new upload, not the stored file
        if upload_errors := _upload_errors(upload):
            errors["file"] = upload_errors
    if errors:
        raise ValidationError(errors)


#: Files a document may have (as the Wagtail documents library), and the size limit.
DOCUMENT_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "csv", "txt", "jpg", "jpeg", "png")
_MAGIC = {
    "pdf": (b"%PDF",), "png": (b"\x89PNG",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",), "xlsx": (b"PK\x03\x04",), "doc": (b"\xd0\xcf\x11\xe0",), "xls": (b"\xd0\xcf\x11\xe0",),
}


def _upload_errors(upload) -> list[ValidationError]:
    max_mb = getattr(settings, "ARCHIVES_MAX_UPLOAD_MB", 20)
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in DOCUMENT_EXTENSIONS:
        return [ValidationError(
            _("Files of this type cannot be filed. Allowed: %(types)s.") % {"types": ", ".join(DOCUMENT_EXTENSIONS)},
            code="file_type",
        )]
    if upload.size > max_mb * 1024 * 1024:
        return [ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": max_mb}, code="file_size")]
    if extension in _MAGIC:
        upload.seek(0)
        head = upload.read(8)
        upload.seek(0)
        if not head.startswith(_MAGIC[extension]):
            return [ValidationError(
                _("The file's content does not match its extension .%(ext)s.") % {"ext": extension}, code="file_content"
            )]
    return []

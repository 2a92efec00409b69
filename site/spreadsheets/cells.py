"""Widgets: how one cell becomes a Python value on import, and a value a cell on export.

They extend django-import-export's widgets, so a Resource built from them also works with
django-import-export's own import path, and they cope with what staff really type: spaces
around text, numbers Excel stored as floats (1201.0), dates as Excel serial numbers or written
2024/5/1, 2024-05-01, 2024年5月1日, phone numbers with spaces, dashes and full-width digits.

``clean`` raises ``ValueError`` with a translated message; the engine reports it by row and
column.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from estates.personal_data import normalize_mobile
from import_export import widgets

from spreadsheets.safety import unescape_cell

EXCEL_EPOCH = datetime.date(1899, 12, 30)
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_BLANK = (None, "")
_AREA_UNIT = re.compile(r"\s*(m2|m²|平方米|平米)$", re.IGNORECASE)


def text_of(value) -> str:
    """A cell as trimmed text: 1201.0 → "1201", None → ""."""
    if type(value) is str:  # most cells: the short way (an import reads each cell several times)
        return (unescape_cell(value) if value[:1] == "'" else value).strip()
    value = unescape_cell(value)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return force_str(value).strip()


def is_blank(value) -> bool:
    return text_of(value) == ""


class TextWidget(widgets.CharWidget):
    """Trimmed text; ``nfkc`` also turns full-width letters and digits into ASCII."""

    def __init__(self, *, nfkc: bool = False, upper: bool = False, **kwargs):
        self.nfkc = nfkc
        self.upper = upper
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = text_of(value)
        if self.nfkc:
            text = unicodedata.normalize("NFKC", text).strip()
        if self.upper:
            text = text.upper()
        return text


class MobileWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = text_of(value)
        return normalize_mobile(text) if text else ""


class IntegerWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        text = unicodedata.normalize("NFKC", text_of(value)).replace(",", "")
        if text == "":
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text}) from None
        if number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return value


class DecimalWidget(widgets.DecimalWidget):
    def __init__(self, *, places: int = 2, **kwargs):
        self.places = places
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, (int, Decimal)):
            return Decimal(value).quantize(Decimal(1).scaleb(-self.places))
        if isinstance(value, float):
            value = repr(value)
        text = _AREA_UNIT.sub("", unicodedata.normalize("NFKC", text_of(value)).replace(",", "").strip())
        if text == "":
            return None
        try:
            number = Decimal(text.strip())
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None
        if not number.is_finite():
            raise ValueError(_("“%(value)s” is not a number.") % {"value": text})
        return number.quantize(Decimal(1).scaleb(-self.places))

    def render(self, value, obj=None, **kwargs):
        return value


def parse_date(value) -> datetime.date | None:
    """A date from what staff type or Excel stores; raises ValueError with a translated message."""
    if value in _BLANK:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_serial(value)
    text = unicodedata.normalize("NFKC", text_of(value))
    if text == "":
        return None
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _from_serial(float(text))
    text = text.split(" ")[0] if re.match(r"^\d{4}-\d{2}-\d{2} \d", text) else text
    match = _DATE_RE.match(text)
    if match:
        try:
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise ValueError(
        _("“%(value)s” is not a date. Write it as 2024-05-01, 2024/5/1 or 2024年5月1日.") % {"value": text}
    )


def _from_serial(number: float) -> datetime.date:
    # Excel counts days from 1899-12-30 (its 1900 leap-year bug included); 20000-80000 covers
    # 1954 to 2119, far from any plausible typo.
    if not 20000 <= number <= 80000:
        raise ValueError(_("“%(value)s” is not a date.") % {"value": text_of(number)})
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))


class DateWidget(widgets.DateWidget):
    def clean(self, value, row=None, **kwargs):
        return parse_date(unescape_cell(value))

    def render(self, value, obj=None, **kwargs):
        return value


class LocalDateTimeWidget(widgets.DateTimeWidget):
    """Export only: a time in the estate's time zone (Asia/Shanghai), without the zone, as
    spreadsheets cannot store one."""

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return None
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)


class ChoiceWidget(widgets.Widget):
    """A choice column: exports the label in the user's language; imports the label in Chinese or
    English, or the stored value."""

    def __init__(self, choices, **kwargs):
        self.choices = list(choices)
        super().__init__(**kwargs)

    def labels(self) -> list[str]:
        return [str(label) for _value, label in self.choices]

    def _lookup(self) -> dict[str, str]:
        table = {}
        for value, label in self.choices:
            table[str(value).casefold()] = value
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    table[str(label).casefold()] = value
        table.update({str(label).casefold(): value for value, label in self.choices})
        return table

    def clean(self, value, row=None, **kwargs):
        text = unicodedata.normalize("NFKC", text_of(value)).casefold()
        if text == "":
            return None
        table = getattr(self, "_table", None)
        language = translation.get_language()
        if table is None or table[0] != language:
            table = (language, self._lookup())
            self._table = table
        try:
            return table[1][text]
        except KeyError:
            raise ValueError(
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": text_of(value), "choices": "、".join(self.labels())}
            ) from None

    def render(self, value, obj=None, **kwargs):
        for choice, label in self.choices:
            if choice == value:
                return str(label)
        return "" if value is None else str(value)


class BooleanWidget(widgets.BooleanWidget):
    TRUE = {"1", "true", "yes", "y", "是", "有", "√", "✓", "有效", "x"}
    FALSE = {"0", "false", "no", "n", "否", "无", "×", "无效"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = unicodedata.normalize("NFKC", text_of(value)).casefold()
        if text == "":
            return None
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("Write 是 (yes) or 否 (no), not “%(value)s”.") % {"value": text_of(value)})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return _("yes") if value else _("no")

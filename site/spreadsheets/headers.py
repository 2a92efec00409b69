"""Column headers as Chinese staff really write them, shared by every import.

Each import names its columns with the same column names (``estate``, ``building``, ``room``,
``name``, ``mobile``, ``id_number``...). ``SYNONYMS`` lists, per column name, the headers staff
write for it; the archives' resources and the meter-readings import read the same table, so a
header known to one import is known to all. An unknown header close to a known one gets a
"did you mean" hint.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from spreadsheets import cells
from spreadsheets.reading import HEADER_SEARCH_ROWS
from spreadsheets.safety import SpreadsheetError

if TYPE_CHECKING:
    from spreadsheets.resources.base import SpreadsheetResource

#: Column name → headers staff write for it (compared after ``clean_header``).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "estate": ("小区", "小区代码", "小区编码", "小区编号", "项目", "项目代码", "项目编码", "estate", "estate code"),
    "building": ("楼栋", "楼号", "栋", "栋号", "楼栋号", "楼宇", "building"),
    "unit": ("单元", "单元号", "unit"),
    "room": ("房号", "房间号", "室", "房间", "门牌号", "room"),
    "floor": ("楼层", "层", "所在楼层", "floor"),
    "area": ("面积", "建筑面积", "面积(m²)", "面积(平方米)", "area"),
    "name": ("姓名", "业主姓名", "住户姓名", "名字", "name", "full name"),
    "mobile": ("手机", "手机号", "手机号码", "联系电话", "电话", "电话号码", "联系方式", "mobile", "phone"),
    "id_number": ("身份证号码", "身份证号", "身份证", "证件号码", "证件号", "id number", "id no"),
    "id_type": ("证件类型", "id type"),
    "role": ("身份", "住户类型", "人员类型", "role"),
    "move_in": ("入住日期", "入住时间", "入伙日期", "move-in date"),
    "plate": ("车牌", "车牌号", "车牌号码", "plate"),
    "tag": ("钥匙编号", "钥匙编码", "标签", "tag"),
    "reference": ("文号", "文件编号", "编号", "reference"),
    "notes": ("备注", "说明", "notes"),
    "meter": ("表号", "表计编号", "水表号", "电表号", "meter"),
    "reading": ("本次读数", "读数", "本期读数", "reading"),
    "previous": ("上次读数", "上期读数", "previous reading"),
    "read_on": ("抄表日期", "抄表时间", "read on"),
}


def clean_header(value) -> str:
    """How headers are compared: text, ``*`` marks (required) removed, NFKC, no spaces, case-folded."""
    text = cells.text_of(value).replace("*", "").replace("＊", "")
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def synonyms_for(name: str) -> tuple[str, ...]:
    return SYNONYMS.get(name, ())


def did_you_mean(unknown: str, known: dict[str, str], labels: dict[str, str]) -> str | None:
    """The header of the column whose known spelling is closest to ``unknown`` (None when none is
    close). ``known``: cleaned header → column name; ``labels``: column name → header shown."""
    match = difflib.get_close_matches(clean_header(unknown), list(known), n=1, cutoff=0.6)
    return labels.get(known[match[0]]) if match else None


# --- finding the header row of a Resource's file ------------------------------------------------
def header_aliases(resource: SpreadsheetResource) -> dict[str, str]:
    """Cleaned header text → column name: the header in Chinese and English, the field name,
    the column's own aliases and the synonyms every import shares (``spreadsheets.headers``)."""
    from django.utils import translation

    aliases = {}
    for name, column in resource.columns():
        for alias in (name, *column.aliases, *synonyms_for(name)):
            aliases[clean_header(alias)] = name
        for language in ("en", "zh-hans", translation.get_language()):
            with translation.override(language):
                aliases[clean_header(str(column.column_name))] = name
    return aliases


def locate_header(rows: Iterable[tuple], resource: SpreadsheetResource):
    """Find the header row among the first rows; return (row number, {index: column name},
    unknown headers, the rest of the row iterator). Raise SpreadsheetError when it is not there."""
    aliases = header_aliases(resource)
    iterator = iter(rows)
    best = None
    seen = 0
    for number, row in enumerate(iterator, start=1):
        mapped = {i: aliases[clean_header(v)] for i, v in enumerate(row) if clean_header(v) in aliases}
        if mapped and (best is None or len(mapped) > len(best[1])):
            best = (number, mapped, row)
        # The header is the first row that names the required columns; stop there.
        required = {n for n, c in resource.columns() if c.required}
        if mapped and required <= set(mapped.values()):
            best = (number, mapped, row)
            break
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    expected = "、".join(c.header for _n, c in resource.columns())
    if best is None:
        raise SpreadsheetError(
            _("No header row was found in the first %(n)s rows. Row 1 (or the row under a title) must name the "
              "columns: %(columns)s. Download the template to see them.") % {"n": HEADER_SEARCH_ROWS, "columns": expected}
        )
    number, mapped, header = best
    missing = [c.header for n, c in resource.columns() if c.required and n not in mapped.values()]
    if missing:
        raise SpreadsheetError(
            _("The header row (row %(row)s) lacks the required columns: %(missing)s.")
            % {"row": number, "missing": "、".join(missing)}
        )
    duplicates = [resource.column(n).header for n in set(mapped.values()) if list(mapped.values()).count(n) > 1]
    if duplicates:
        raise SpreadsheetError(
            _("The header row (row %(row)s) names these columns twice: %(columns)s.")
            % {"row": number, "columns": "、".join(duplicates)}
        )
    unknown = [cells.text_of(v) for i, v in enumerate(header) if i not in mapped and cells.text_of(v)]
    return number, mapped, unknown, [cells.text_of(v) for v in header], iterator


def unknown_columns_warning(unknown: list[str], resource: SpreadsheetResource) -> str:
    """"These columns are not known…", with a "did you mean" hint for each close to a known one."""
    known = header_aliases(resource)
    labels = {name: column.header for name, column in resource.columns()}
    parts = []
    for text in unknown:
        hint = did_you_mean(text, known, labels)
        parts.append(_("%(column)s (did you mean “%(hint)s”?)") % {"column": text, "hint": hint} if hint else text)
    return _("These columns are not known and were ignored: %(columns)s.") % {"columns": "、".join(parts)}

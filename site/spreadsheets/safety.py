"""Checks every uploaded spreadsheet passes before anything parses it.

- a size limit (SPREADSHEETS_MAX_UPLOAD_BYTES);
- the extension and the magic bytes agree (.xlsx is a zip, .csv is text, old .xls is refused);
- an .xlsx is checked for zip bombs before openpyxl opens it: number of members, total
  uncompressed size, compression ratio; and it must look like a workbook;
- openpyxl parses XML with defusedxml when it is installed (it is: requirements/base.txt), which
  stops entity-expansion ("billion laughs") and external-entity attacks.

Every failure raises ``SpreadsheetError`` with a translated message; views answer it with a 4xx.
"""

from __future__ import annotations

import zipfile

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


class SpreadsheetError(Exception):
    """A file-level problem with an uploaded spreadsheet; ``str(exc)`` is the user's message."""


XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary .xls / .doc
ALLOWED_EXTENSIONS = (".xlsx", ".csv")


def setting(name: str, default):
    return getattr(settings, name, default)


def max_upload_bytes() -> int:
    return setting("SPREADSHEETS_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)


def extension_of(name: str) -> str:
    name = (name or "").lower().strip()
    return name[name.rfind("."):] if "." in name else ""


def check_upload(uploaded) -> str:
    """Check an UploadedFile (or any file object with .name and .size); return "xlsx" or "csv"."""
    size = getattr(uploaded, "size", None)
    if size is None:
        uploaded.seek(0, 2)
        size = uploaded.tell()
    if size == 0:
        raise SpreadsheetError(_("The file is empty."))
    if size > max_upload_bytes():
        raise SpreadsheetError(
            _("The file is too large (%(size)s); the limit is %(limit)s. Split it into smaller files.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_upload_bytes())}
        )
    ext = extension_of(getattr(uploaded, "name", ""))
    if ext == ".xls":
        raise SpreadsheetError(
            _("Old Excel 97-2003 files (.xls) are not accepted. Save the file as .xlsx and upload it again.")
        )
    if ext not in ALLOWED_EXTENSIONS:
        raise SpreadsheetError(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    if ext == ".xlsx":
        if not head.startswith(XLSX_MAGIC):
            raise SpreadsheetError(
                _("The file is named .xlsx but its content is not an Excel workbook.")
            )
        check_xlsx_archive(uploaded)
        uploaded.seek(0)
        return "xlsx"
    if head.startswith(XLSX_MAGIC) or head.startswith(OLE_MAGIC) or b"\x00" in head:
        raise SpreadsheetError(
            _("The file is named .csv but its content is not text. Save it as CSV (or upload the .xlsx).")
        )
    return "csv"


def check_xlsx_archive(fileobj) -> None:
    """Refuse zip bombs and non-workbooks without decompressing anything."""
    max_members = setting("SPREADSHEETS_MAX_ZIP_MEMBERS", 500)
    max_total = setting("SPREADSHEETS_MAX_UNCOMPRESSED_BYTES", 300 * 1024 * 1024)
    max_ratio = setting("SPREADSHEETS_MAX_COMPRESSION_RATIO", 200)
    try:
        archive = zipfile.ZipFile(fileobj)
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise SpreadsheetError(_("The file is damaged: it cannot be opened as an Excel workbook.")) from None
    if len(members) > max_members:
        raise SpreadsheetError(
            _("The workbook has too many parts (%(count)s, at most %(max)s are accepted).")
            % {"count": len(members), "max": max_members}
        )
    total = sum(m.file_size for m in members)
    if total > max_total:
        raise SpreadsheetError(
            _("The workbook unpacks to %(size)s, more than the %(limit)s accepted. Split it into smaller files.")
            % {"size": filesizeformat(total), "limit": filesizeformat(max_total)}
        )
    for member in members:
        # Real workbooks compress 5-50 times; a member that expands hundreds of times is a bomb.
        if member.file_size > 1024 * 1024 and member.file_size > max_ratio * max(member.compress_size, 1):
            raise SpreadsheetError(_("The workbook looks like a zip bomb and was refused."))
        if member.flag_bits & 0x1:
            raise SpreadsheetError(_("The workbook is password-protected. Remove the password and upload it again."))
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise SpreadsheetError(_("The file is a zip archive but not an Excel workbook."))


def defusedxml_in_use() -> bool:
    from openpyxl.xml import DEFUSEDXML

    return bool(DEFUSEDXML)


#: Characters that make a spreadsheet program read a cell as a formula (CWE-1236).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """Prefix text that a spreadsheet would run as a formula with a single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_cell(value):
    """Undo ``escape_cell`` when our own export comes back."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value

"""Reading uploaded spreadsheets: the one upload reader of the product.

- ``.xlsx`` with openpyxl in read-only mode. The sheet's declared size (its ``<dimension>``
  element) is never trusted: WPS and other writers declare ``A1`` or ``A1:N2`` for a sheet of
  hundreds of rows, and openpyxl would stop there. Rows and columns are read as they are.
- ``.csv`` with the Excel dialect (RFC 4180: quoting always on, ``""`` is a quote inside a quoted
  field, line breaks inside quotes are kept). Only the delimiter is chosen, among comma,
  semicolon and tab, never guessed by ``csv.Sniffer`` (which guesses ``doublequote=False`` on
  files with ``""`` and a comma in one field, and splits it). UTF-8 with or without BOM, GB18030.

Rows come out as tuples of cell values. The header row need not be the first: a title row
("2024年业主名单") often sits above it; ``spreadsheets.headers`` finds it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext as _

from spreadsheets.safety import SpreadsheetError, check_upload

HEADER_SEARCH_ROWS = 20
#: Delimiters a CSV may use; the first is the default.
CSV_DELIMITERS = (",", ";", "\t")
# A cell longer than Excel's limit is a row error for the engine, not an unreadable file: let the
# csv module read fields up to the upload limit (the default stops at 128 KiB).
csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))


def unreadable() -> SpreadsheetError:
    return SpreadsheetError(_("The file could not be read. Open it in Excel, save it again and retry."))


class SheetReader:
    """Iterate over the rows of an uploaded file; ``kind`` is "xlsx" or "csv"."""

    def __init__(self, fileobj, kind: str):
        self.fileobj = fileobj
        self.kind = kind

    @classmethod
    def open(cls, fileobj) -> SheetReader:
        """Run the safety checks, then return a reader."""
        return cls(fileobj, check_upload(fileobj))

    def rows(self) -> Iterator[tuple]:
        try:
            if self.kind == "xlsx":
                yield from self._xlsx_rows()
            else:
                yield from self._csv_rows()
        except SpreadsheetError:
            raise
        except Exception:  # openpyxl/csv raise many kinds of errors on damaged files
            raise unreadable() from None

    def count_rows(self) -> int:
        """About how many rows (the header included), cheaply, to choose between a request and a
        background job; the check counts exactly. The declared dimension is not used: the row
        elements of the first sheet are counted."""
        try:
            if self.kind == "xlsx":
                return _count_xlsx_rows(self.fileobj)
            self.fileobj.seek(0)
            text = decode_csv(self.fileobj.read())
            return sum(1 for row in csv.reader(io.StringIO(text, newline=""), csv.excel,
                                               delimiter=csv_delimiter(text)) if any(c.strip() for c in row))
        except SpreadsheetError:
            raise
        except Exception:
            raise unreadable() from None

    def _xlsx_rows(self) -> Iterator[tuple]:
        from openpyxl import load_workbook

        self.fileobj.seek(0)
        workbook = load_workbook(self.fileobj, read_only=True, data_only=True, keep_links=False)
        try:
            sheet = workbook.worksheets[0]
            # Forget the declared <dimension>: read every row and every cell that is there.
            sheet.reset_dimensions()
            yield from sheet.iter_rows(values_only=True)
        finally:
            workbook.close()

    def _csv_rows(self) -> Iterator[tuple]:
        self.fileobj.seek(0)
        text = decode_csv(self.fileobj.read())
        for row in csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=csv_delimiter(text)):
            yield tuple(row)


def csv_delimiter(text: str) -> str:
    """The delimiter among comma, semicolon and tab that splits the first rows into the most
    fields (read with the Excel dialect, so delimiters inside quotes do not count); a tie goes
    to the comma."""
    head = "".join(line for _n, line in zip(range(HEADER_SEARCH_ROWS), io.StringIO(text[:65536], newline=""), strict=False))
    best, best_score = CSV_DELIMITERS[0], -1
    for delimiter in CSV_DELIMITERS:
        try:
            score = sum(len(r) - 1 for r in csv.reader(io.StringIO(head, newline=""), csv.excel, delimiter=delimiter))
        except csv.Error:
            continue
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    from defusedxml import ElementTree

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheet = workbook.find(f"{ns_main}sheets/{ns_main}sheet")
    rel_id = sheet.get(f"{ns_rel}id") if sheet is not None else None
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels:
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "").lstrip("/")
            return target if target.startswith("xl/") else f"xl/{target}"
    return "xl/worksheets/sheet1.xml"


def _count_xlsx_rows(fileobj) -> int:
    """Row elements of the first sheet, streamed through defusedxml (entity bombs are refused
    here already, before the upload is stored) without building any cell."""
    from defusedxml.ElementTree import iterparse

    fileobj.seek(0)
    count = 0
    with zipfile.ZipFile(fileobj) as archive, archive.open(_first_sheet_path(archive)) as stream:
        for _event, element in iterparse(stream, events=("end",)):
            if element.tag.endswith("}row") or element.tag == "row":
                count += 1
                element.clear()
    return count


def decode_csv(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise SpreadsheetError(
            _("The CSV file's encoding is not recognised. Save it as “CSV UTF-8” and upload it again.")
        ) from None

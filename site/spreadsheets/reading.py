"""Reading uploaded spreadsheets: .xlsx with openpyxl in read-only mode, .csv in UTF-8 (with or
without BOM) or GB18030 (what Excel in China writes). Rows come out as tuples of cell values.

The header row need not be the first: a title row ("2024年业主名单") often sits above it. The
reader looks in the first ``HEADER_SEARCH_ROWS`` rows for the one that names the most known
columns.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _

from spreadsheets.safety import SpreadsheetError, check_upload

HEADER_SEARCH_ROWS = 20


class SheetReader:
    """Iterate over the rows of an uploaded file; ``kind`` is "xlsx" or "csv"."""

    def __init__(self, fileobj, kind: str):
        self.fileobj = fileobj
        self.kind = kind
        self._workbook = None

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
            raise SpreadsheetError(_("The file could not be read. Open it in Excel, save it again and retry.")) from None

    def count_rows(self) -> int:
        """About how many rows (the header included), cheaply, to choose between a request and a
        background job; the check counts exactly. Reading also proves the file opens."""
        try:
            if self.kind == "xlsx":
                from openpyxl import load_workbook

                self.fileobj.seek(0)
                workbook = load_workbook(self.fileobj, read_only=True, data_only=True, keep_links=False)
                try:
                    sheet = workbook.worksheets[0]
                    # The <dimension> element, when the writer kept it; else count.
                    if sheet.max_row and sheet.max_row > 1:
                        return sheet.max_row
                finally:
                    workbook.close()
            else:
                self.fileobj.seek(0)
                text = decode_csv(self.fileobj.read())
                return sum(1 for line in text.splitlines() if line.strip(" ,;\t"))
        except SpreadsheetError:
            raise
        except Exception:
            raise SpreadsheetError(_("The file could not be read. Open it in Excel, save it again and retry.")) from None
        return sum(1 for row in self.rows() if any(v not in (None, "") for v in row))

    def _xlsx_rows(self) -> Iterator[tuple]:
        from openpyxl import load_workbook

        self.fileobj.seek(0)
        workbook = load_workbook(self.fileobj, read_only=True, data_only=True, keep_links=False)
        try:
            sheet = workbook.worksheets[0]
            yield from sheet.iter_rows(values_only=True)
        finally:
            workbook.close()

    def _csv_rows(self) -> Iterator[tuple]:
        self.fileobj.seek(0)
        data = self.fileobj.read()
        text = decode_csv(data)
        sample = text[:4096]
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            yield tuple(row)


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

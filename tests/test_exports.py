"""Downloads: the same typed rows as CSV and as an .xlsx workbook, formulas neutralised."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from io import BytesIO

from hub.exports import Table, to_csv, to_xlsx


def table() -> Table:
    return Table(
        title="Inscrit·es: mars/2027",
        headers=["Nom", "Places", "Venu·e", "Arrivée", "Jour"],
        rows=[
            ['=HYPERLINK("http://x")', 2, True, datetime(2027, 3, 5, 14, 30), date(2027, 3, 5)],
            ["Zoé", 1, False, None, None],
        ],
    )


def test_csv_writes_typed_values_and_neutralises_formulas():
    assert to_csv(table()).splitlines() == [
        "Nom,Places,Venu·e,Arrivée,Jour",
        '"\'=HYPERLINK(""http://x"")",2,1,05/03/2027 14:30,05/03/2027',
        "Zoé,1,0,,",
    ]


def test_xlsx_keeps_numbers_booleans_and_dates_as_such_and_text_as_text():
    workbook = zipfile.ZipFile(BytesIO(to_xlsx([table()])))
    names = workbook.read("xl/workbook.xml").decode()
    assert 'name="Inscrit·es mars2027"' in names  # characters a sheet name may not hold
    sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    strings = re.findall(r"<t[^>]*>([^<]*)</t>", workbook.read("xl/sharedStrings.xml").decode())
    assert '=HYPERLINK("http://x")' in strings  # a string cell: shown, never run
    assert "<f>" not in sheet  # no formula anywhere
    cells = dict(re.findall(r'<c r="([A-Z]+2)"([^>]*)>', sheet))
    assert 't="s"' in cells["A2"]  # text
    assert "t=" not in cells["B2"]  # a number
    assert 't="b"' in cells["C2"]  # a boolean
    assert "s=" in cells["D2"] and "t=" not in cells["D2"]  # a date is a styled number

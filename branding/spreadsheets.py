"""Text for a CSV cell that a spreadsheet shows as text: a cell starting with ``=``,
``+``, ``-``, ``@`` (or a tab or carriage return) is a formula to Excel, LibreOffice and
Google Sheets (CSV injection: a name like ``=HYPERLINK(...)`` would run when staff open
the export), so it gets a leading apostrophe, which they hide."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text

"""Search results as CSV for a spreadsheet: every match up to a cap, formula-safe cells."""

from __future__ import annotations

import csv
import io

from indexer.search import SearchPage

EXPORT_LIMIT = 10_000  # rows in one CSV export, as listed in openapi.yaml
# New columns go at the end, so scripts that read columns by position keep working.
COLUMNS = ["rank", "doc_id", "title", "section_path", "paragraph", "score", "text", "file_name",
           "partial"]
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Text a spreadsheet shows as text: a leading ' keeps a formula from running.

    >>> [safe_cell(v) for v in ["=1+1", "+1", "-2", "@SUM(A1)", "\\t=1", "户户通", "1-2", ""]]
    ["'=1+1", "'+1", "'-2", "'@SUM(A1)", "'\\t=1", '户户通', '1-2', '']
    """
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def results_csv(result: SearchPage) -> str:
    """The results of ``result`` (ranked from 1), UTF-8 with a BOM so spreadsheets read it."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    first = (result.page - 1) * result.size + 1
    for rank, hit in enumerate(result.results, first):
        writer.writerow([rank, safe_cell(hit.doc_id), safe_cell(hit.title),
                         safe_cell(" › ".join(hit.section_path)), hit.paragraph, hit.score,
                         safe_cell(hit.text), safe_cell(hit.file_name),
                         "yes" if hit.partial else ""])
    return out.getvalue()

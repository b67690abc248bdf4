"""Hypothesis strategies for batch files: arbitrary bytes, and arbitrary rows of a real kind whose
values are sometimes right, sometimes nearly right, sometimes anything at all."""

from __future__ import annotations

import csv
import io

from hypothesis import strategies as st

from chalicelib.ingest.kinds import KINDS

# any text that can be UTF-8 (no lone surrogates); NUL included, the csv module must cope
any_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30)

NEAR = {  # plausible and borderline values, by column name fragment
    "ss_code": st.from_regex(r"\A\d{9,11}\Z"),
    "card_no": st.from_regex(r"\A[A-Za-z]{2}[0-6]\d{2}\d{9,10}\Z"),
    "unit_code": st.from_regex(r"\A[A-Za-z0-9]{2,11}\Z"),
    "dossier_no": st.from_regex(r"\A[0-9A-Z./_ -]{1,34}\Z"),
    "phone": st.from_regex(r"\A(\+84|84|0)?[0-9 .-]{8,12}\Z"),
    "_on": st.from_regex(r"\A(\d{1,4}[-/]\d{1,2}[-/]\d{1,4})\Z"),
    "date": st.from_regex(r"\A(\d{1,4}[-/]\d{1,2}[-/]\d{1,4})\Z"),
    "valid_": st.dates().map(lambda d: d.isoformat()),
    "period": st.from_regex(r"\A\d{1,4}[-/]\d{1,4}\Z"),
    "paid_to": st.from_regex(r"\A\d{1,4}[-/]\d{1,4}\Z"),
    "_vnd": st.one_of(st.integers(min_value=-5, max_value=10**40).map(str), st.just("12,5")),
    "months": st.integers(min_value=-2, max_value=10**6).map(str),
    "household": st.sampled_from(["Y", "N", "1", "0", "true", "False", "x", ""]),
    "plan": st.sampled_from(["TM", "gh", "KL", "DC", "XX", ""]),
    "status": st.sampled_from(["paid", "owed", "received", "Completed", "returned", "lost"]),
    "id_number": st.from_regex(r"\A\d{8,13}\Z"),
}


def value_for(column: str) -> st.SearchStrategy[str]:
    near = next((s for frag, s in NEAR.items() if frag in column), any_text)
    return st.one_of(near, near, any_text, st.just(""))


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[str, bytes, int]:
    """(kind, file bytes, number of non-empty data rows) for a real kind, written as agencies might."""
    kind = draw(st.sampled_from(sorted(KINDS)))
    columns = list(KINDS[kind].columns)
    header = draw(st.permutations(columns))
    header = header[: draw(st.integers(min_value=max(1, len(header) - 1), max_value=len(header)))]
    header = [*header, *draw(st.lists(st.sampled_from(["ghi_chu", "extra"]), max_size=1))]
    rows = draw(
        st.lists(st.tuples(*(value_for(c) for c in header)).map(list), max_size=12),
    )
    out = io.StringIO()
    # csv quotes (minimally) only the line terminator's own characters: with LF, quote every field,
    # or a bare CR in a value would rightly read as a line break and the count here would be wrong
    crlf = draw(st.booleans())
    writer = csv.writer(
        out, lineterminator="\r\n" if crlf else "\n", quoting=csv.QUOTE_MINIMAL if crlf else csv.QUOTE_ALL
    )
    writer.writerow([draw(st.sampled_from([c, c.upper(), f" {c} "])) for c in header])
    writer.writerows(rows)
    bom = draw(st.sampled_from(["", "\ufeff"]))
    counted = sum(1 for r in rows if any(cell.strip() for cell in r))
    return kind, (bom + out.getvalue()).encode("utf-8"), counted


raw_files = st.tuples(st.sampled_from(sorted(KINDS)), st.binary(max_size=400))

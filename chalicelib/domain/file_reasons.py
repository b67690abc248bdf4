"""Why a batch file was refused whole, said to the clerk in Vietnamese and English, with what to do.

The report keeps the contract's English reason (`reason`, e.g. "missing required column: ss_code"):
it names the detail (the column, the line). The console shows the clerk the sentence of its code
beside it. Each reason the ingest gives begins with the words of exactly one entry here (`starts`);
a reason none begins is `other` and is still shown as it is, never hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.domain.notice_words import Words


@dataclass(frozen=True)
class FileReason:
    code: str
    starts: tuple[str, ...]  # how the report's English reason begins
    what: Words  # what is wrong
    todo: Words  # what the clerk does about it

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, **self.what.as_dict(), "what_to_do": self.todo.as_dict()}


_SAVE_AS = Words(
    "Mở tệp bằng Excel và lưu lại dạng “CSV UTF-8 (Comma delimited)” hoặc “Excel Workbook (.xlsx)”, rồi tải lên lại.",
    "Open the file in Excel, save it as “CSV UTF-8 (Comma delimited)” or “Excel Workbook (.xlsx)”, upload it again.",
)

REASONS: tuple[FileReason, ...] = (
    FileReason(
        "unknown_kind",
        ("unknown kind",),
        Words("Loại tệp không có trong danh sách.", "The kind of file is not one the service takes."),
        Words("Chọn đúng loại tệp khi tải lên.", "Choose the right kind of file when uploading."),
    ),
    FileReason(
        "empty",
        ("empty file",),
        Words("Tệp trống: không có dòng tiêu đề.", "The file is empty: it has no header row."),
        Words(
            "Tệp phải có dòng đầu là tên các cột; kiểm tra lại tệp đã chọn.",
            "The first row must name the columns; check that the right file was chosen.",
        ),
    ),
    FileReason(
        "not_text",
        ("not UTF-8, Windows-1258 or Windows-1252 text",),
        Words(
            "Tệp không phải văn bản CSV (UTF-8, Windows-1258 hay Windows-1252): có thể là tệp nhị phân hoặc UTF-16.",
            "The file is not CSV text (UTF-8, Windows-1258 or Windows-1252): it may be binary or UTF-16.",
        ),
        _SAVE_AS,
    ),
    FileReason(
        "encoding_changed",
        ("not UTF-8 text", "not Windows-1258 text", "not Windows-1252 text"),
        Words(
            "Tệp đổi bảng mã giữa chừng: dòng được nêu không cùng bảng mã với đầu tệp.",
            "The file changes encoding part-way: the line named is not in the encoding the file begins in.",
        ),
        _SAVE_AS,
    ),
    FileReason(
        "not_csv",
        ("not CSV",),
        Words(
            "Tệp không đúng dạng CSV (ví dụ một dấu ngoặc kép không được đóng).",
            "The file is not well-formed CSV (for example a quote never closed).",
        ),
        Words(
            "Sửa dòng được nêu (dấu ngoặc kép) hoặc lưu lại tệp từ Excel, rồi tải lên lại.",
            "Correct the line named (its quotes) or save the file again from Excel, and upload it again.",
        ),
    ),
    FileReason(
        "line_too_long",
        ("line over 1 MiB",),
        Words("Có một dòng dài quá 1 MiB.", "A line is longer than 1 MiB."),
        Words(
            "Kiểm tra dòng được nêu (thường do thiếu dấu ngoặc kép đóng), sửa rồi tải lên lại.",
            "Check the line named (usually a closing quote is missing), correct it and upload again.",
        ),
    ),
    FileReason(
        "too_many_columns",
        ("more than 200 columns",),
        Words("Tệp có hơn 200 cột.", "The file has more than 200 columns."),
        Words("Chỉ giữ các cột của loại tệp này, rồi tải lên lại.", "Keep only this kind's columns and upload again."),
    ),
    FileReason(
        "duplicate_column",
        ("duplicate column",),
        Words("Hai cột trùng tên.", "Two columns have the same name."),
        Words(
            "Xóa hoặc đổi tên cột trùng, rồi tải lên lại.", "Remove or rename the repeated column, then upload again."
        ),
    ),
    FileReason(
        "missing_column",
        ("missing required column",),
        Words("Thiếu cột bắt buộc.", "A required column is missing."),
        Words(
            "Thêm các cột được nêu vào dòng tiêu đề (xem mẫu của loại tệp), rồi tải lên lại.",
            "Add the columns named to the header row (see the kind's template), then upload again.",
        ),
    ),
    FileReason(
        "not_workbook",
        ("not an Excel workbook",),
        Words("Không đọc được tệp Excel (.xlsx).", "The Excel workbook (.xlsx) could not be read."),
        Words(
            "Mở tệp bằng Excel, lưu lại dạng “Excel Workbook (.xlsx)” (không phải .xls) hoặc CSV UTF-8, tải lên lại.",
            "Open it in Excel, save it as “Excel Workbook (.xlsx)” (not .xls) or CSV UTF-8, and upload it again.",
        ),
    ),
)

OTHER = FileReason(
    "other",
    (),
    Words("Tệp bị từ chối.", "The file was refused."),
    Words(
        "Đọc lý do bên dưới, sửa tệp rồi tải lên lại.", "Read the reason below, correct the file and upload it again."
    ),
)


def explain(reason: str | None) -> FileReason | None:
    """The entry a report's reason begins with (`other` when none does); None for no reason."""
    if not reason:
        return None
    for entry in REASONS:
        if reason.startswith(entry.starts):
            return entry
    return OTHER

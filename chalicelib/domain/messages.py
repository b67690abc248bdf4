"""The words a clerk or a person reads for the service's codes, in Vietnamese and English, in one place
(CONTRACT, "Agency console": every message exists in both): rejected rows' reasons, the API's error
codes, notice templates, the kinds of batch file, the console's audited actions and a file's shown
status.

The codes stay what the contract and the data say (`payment_received`, `read_file`, `conflict`); the
console is given this catalogue when its page is served (agency/page.py), as it is the statuses'
names (domain/status.py). File-level reasons are in domain/file_reasons.py, with what to do; a
notice's status and reason for the hotline in domain/notice_words.py.

A rejected row keeps the contract's English `reason` (it names the detail: the value, the limit);
`row_reason_code` gives the stable code of its kind, which the report carries beside it. A reason no
pattern knows is `other`, and is still shown as it is.
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib.domain.file_view import ShownStatus
from chalicelib.domain.notice_words import Words
from chalicelib.domain.province import OTHER_PROVINCE, UNKNOWN_PERSON, UNKNOWN_UNIT
from chalicelib.domain.province import REASON_NAMES as _PROVINCE_NAMES
from chalicelib.domain.staff import Action

# A row reason's code, by how its English text begins (most specific first); ingest/kinds and
# domain's value checks (dates, money, phones, identifiers) write these texts.
_ROW_PATTERNS: tuple[tuple[str, str], ...] = (
    ("missing_value", r"required value missing"),
    ("field_too_large", r"field over 128 KiB"),
    ("too_long", r"longer than \d+ characters"),
    ("hidden_character", r"a (bidi control|control character) \(U\+"),
    ("date_out_of_range", r"date out of range"),
    ("month_out_of_range", r"month out of range"),
    ("not_a_date", r"not a date|impossible date"),
    ("not_a_month", r"not a month|impossible month"),
    ("amount_too_large", r"amount too large"),
    ("not_whole_months", r"not a whole number of months"),
    ("not_a_number", r"not a whole number"),
    ("not_a_flag", r"not a flag"),
    ("bad_phone", r"empty phone number|not a phone number|not a Vietnamese mobile|not a mobile number"),
    ("old_phone", r"old 11-digit number"),
    ("url_in_note", r"url_in_note"),
    ("card_not_person", r"card_no does not embed"),
    ("dates_reversed", r"valid_to is before valid_from"),
    ("fund_over_total", r"fund_paid_vnd is more than total_vnd"),
    ("bad_months_per_payment", r"months_per_payment must be"),
    ("bad_format", r"\w+ must be "),
    ("unknown_value", r"unknown \w"),
    (OTHER_PROVINCE, re.escape(OTHER_PROVINCE) + "$"),
    (UNKNOWN_UNIT, re.escape(UNKNOWN_UNIT) + "$"),
    (UNKNOWN_PERSON, re.escape(UNKNOWN_PERSON) + "$"),
)
_ROW_MATCHERS = tuple((code, re.compile(pattern)) for code, pattern in _ROW_PATTERNS)
OTHER = "other"

ROW_REASONS: dict[str, Words] = {
    "missing_value": Words("Thiếu giá trị bắt buộc.", "A required value is missing."),
    "field_too_large": Words("Ô dữ liệu dài quá 128 KiB.", "A cell is longer than 128 KiB."),
    "too_long": Words("Nội dung dài quá giới hạn.", "The text is longer than allowed."),
    "hidden_character": Words(
        "Có ký tự điều khiển hoặc ký tự ẩn (đổi chiều chữ).", "It has a control or hidden (bidi) character."
    ),
    "date_out_of_range": Words("Ngày nằm ngoài khoảng năm cho phép.", "The date is outside the years accepted."),
    "month_out_of_range": Words("Tháng nằm ngoài khoảng năm cho phép.", "The month is outside the years accepted."),
    "not_a_date": Words(
        "Không phải ngày hợp lệ (YYYY-MM-DD hoặc DD/MM/YYYY).", "Not a valid date (YYYY-MM-DD or DD/MM/YYYY)."
    ),
    "not_a_month": Words("Không phải tháng hợp lệ (YYYY-MM hoặc MM/YYYY).", "Not a valid month (YYYY-MM or MM/YYYY)."),
    "amount_too_large": Words("Số tiền quá lớn.", "The amount is too large."),
    "not_whole_months": Words("Số tháng phải là số nguyên.", "The number of months must be a whole number."),
    "not_a_number": Words(
        "Không phải số nguyên (số tiền ghi bằng đồng, không có phần lẻ).",
        "Not a whole number (amounts are in whole đồng).",
    ),
    "not_a_flag": Words("Không phải giá trị có/không (Y/N, 1/0).", "Not a yes/no value (Y/N, 1/0)."),
    "bad_phone": Words("Không phải số điện thoại di động Việt Nam.", "Not a Vietnamese mobile number."),
    "old_phone": Words(
        "Số điện thoại 11 số cũ (đã đổi sang 10 số năm 2018).", "An old 11-digit number (renumbered in 2018)."
    ),
    "url_in_note": Words(
        "Ghi chú có đường link ngoài baohiemxahoi.gov.vn (không được gửi qua SMS).",
        "The note has a link outside baohiemxahoi.gov.vn (not sent by SMS).",
    ),
    "card_not_person": Words(
        "Mã thẻ BHYT không chứa mã số BHXH của dòng.", "The card number does not carry the row's social-insurance code."
    ),
    "dates_reversed": Words("Ngày hết hạn trước ngày bắt đầu.", "The end date is before the start date."),
    "fund_over_total": Words(
        "Số quỹ BHYT trả lớn hơn tổng chi phí.", "The fund's payment is more than the total cost."
    ),
    "bad_months_per_payment": Words(
        "Số tháng mỗi lần đóng phải là 1, 3, 6, 12 hoặc bội số của 12.",
        "Months per payment must be 1, 3, 6, 12 or a multiple of 12.",
    ),
    "bad_format": Words("Sai định dạng mã (xem lý do chi tiết).", "The code is not in its format (see the detail)."),
    "unknown_value": Words("Giá trị không có trong danh sách cho phép.", "The value is not one of those accepted."),
    **{code: Words(_PROVINCE_NAMES["vi"][code], _PROVINCE_NAMES["en"][code]) for code in _PROVINCE_NAMES["vi"]},
    OTHER: Words("Dòng bị từ chối (xem lý do chi tiết).", "The row was refused (see the detail)."),
}


def row_reason_code(reason: str) -> str:
    """The stable code of a rejected row's English reason (`other` when no pattern knows it)."""
    for code, pattern in _ROW_MATCHERS:
        if pattern.match(reason):
            return code
    return OTHER


# The API's error codes (`{"error": {"code", "message"}}`): what the code means, for the console and
# the page; the `message` beside it keeps the detail in English.
ERRORS: dict[str, Words] = {
    "bad_input": Words("Dữ liệu gửi lên không hợp lệ.", "What was sent is not valid."),
    "bad_request": Words("Yêu cầu không hợp lệ.", "The request is not valid."),
    "unauthorized": Words(
        "Phiên đăng nhập đã hết hạn hoặc không hợp lệ: xin đăng nhập lại.",
        "The session ended or is not valid: sign in again.",
    ),
    "forbidden": Words("Tài khoản không có quyền làm việc này.", "This account may not do this."),
    "invalid_otp": Words(
        "Mã xác thực sai, hết hạn hoặc đã dùng: xin lấy mã mới.",
        "The code is wrong, expired or used: ask for a new one.",
    ),
    "not_found": Words("Không tìm thấy.", "Not found."),
    "conflict": Words(
        "Không thực hiện được ở trạng thái hiện tại (có thể đã làm rồi).",
        "Not possible in the present state (it may be done already).",
    ),
    "already_flagged": Words(
        "Việc này đã được phản ánh: cơ quan BHXH đã nhận.", "This was flagged already: the agency has it."
    ),
    "payload_too_large": Words("Dữ liệu gửi lên quá lớn.", "What was sent is too large."),
    "unsupported_media_type": Words(
        "Dạng dữ liệu gửi lên không được nhận.", "The type of what was sent is not accepted."
    ),
    "method_not_allowed": Words("Thao tác không được hỗ trợ ở địa chỉ này.", "This method is not allowed here."),
    "too_many_requests": Words("Quá nhiều yêu cầu: xin thử lại sau.", "Too many requests: try again later."),
    "internal_error": Words("Lỗi hệ thống: xin thử lại sau.", "Something went wrong on our side: try again later."),
    "unavailable": Words(
        "Dịch vụ tạm thời không phục vụ được: xin thử lại sau.", "The service is unavailable: try again later."
    ),
    "error": Words("Không thực hiện được.", "It could not be done."),
}


def error_words(code: str) -> Words:
    """What an error code means in both languages (the generic sentence for a code not listed)."""
    return ERRORS.get(code, ERRORS["error"])


# The notice templates of domain/templates.py, by what they tell.
TEMPLATES: dict[str, Words] = {
    "payment_received": Words("Đơn vị đã nộp tiền", "Employer's payment received"),
    "query_reply": Words("Trả lời tin tra cứu", "Reply to an SMS query"),
    "otp": Words("Mã xác thực", "One-time code"),
    "contribution_stopped": Words("Báo giảm, dừng đóng", "Contributions stopped"),
    "contribution_paused": Words("Tạm dừng đóng", "Contributions paused"),
    "contribution_reduced": Words("Giảm mức lương đóng", "Contribution salary reduced"),
    "dossier_received": Words("Đã tiếp nhận hồ sơ", "Dossier received"),
    "dossier_completed": Words("Hồ sơ đã giải quyết", "Dossier completed"),
    "dossier_returned": Words("Hồ sơ bị trả lại", "Dossier returned"),
    "voluntary_due": Words("Nhắc đóng BHXH tự nguyện", "Voluntary contribution due"),
    "hi_card_expiring": Words("Thẻ BHYT sắp hết hạn", "Health-insurance card expiring"),
    "arrears": Words("Đơn vị còn nợ", "Employer in arrears"),
    "arrears_employee": Words("Đơn vị chưa nộp đủ cho người lao động", "Employer owes the employee's months"),
    "benefit_paid": Words("Đã chi trả chế độ", "Benefit paid"),
    "hi_claim_settled": Words("Quỹ BHYT đã thanh toán lần khám", "Health-insurance claim settled"),
    "phone_changed": Words("Đổi số điện thoại nhận tin", "Phone number changed"),
    "yearly_statement": Words("Thông báo quá trình đóng hằng năm", "Yearly statement"),
    "case_closed": Words("Phản ánh đã xử lý xong", "Flag handled"),
}

# The eleven kinds of batch file (ingest/kinds/catalog.py).
KINDS: dict[str, Words] = {
    "payments": Words("Đơn vị nộp tiền", "Employers' payments"),
    "declarations": Words("Báo tăng, giảm lao động", "Declarations (joining, leaving)"),
    "dossiers": Words("Hồ sơ", "Dossiers"),
    "employers": Words("Đơn vị sử dụng lao động", "Employers"),
    "people": Words("Người tham gia", "Insured people"),
    "history": Words("Quá trình đóng", "Contribution history"),
    "hi_cards": Words("Thẻ BHYT", "Health-insurance cards"),
    "voluntary": Words("BHXH tự nguyện", "Voluntary insurance"),
    "arrears": Words("Đơn vị nợ đóng", "Employers' arrears"),
    "benefits": Words("Chi trả chế độ", "Benefits paid"),
    "hi_claims": Words("Thanh toán khám chữa bệnh BHYT", "Health-insurance claims"),
}

# What a console route does, as the audit trail shows it (domain/staff.py).
ACTIONS: dict[str, Words] = {
    Action.SIGN_IN: Words("Đăng nhập", "Sign in"),
    Action.SIGN_OUT: Words("Đăng xuất", "Sign out"),
    Action.LIST_FILES: Words("Xem danh sách tệp", "List files"),
    Action.READ_FILE: Words("Xem tệp", "Read a file"),
    Action.LIST_RECIPIENTS: Words("Xem người nhận của tệp", "List a file's recipients"),
    Action.READ_REJECTED: Words("Xem các dòng bị từ chối", "Read rejected rows"),
    Action.UPLOAD: Words("Tải tệp lên", "Upload"),
    Action.RELEASE: Words("Cho gửi tệp", "Release"),
    Action.APPROVE: Words("Duyệt tệp lớn", "Approve a big file"),
    Action.CANCEL: Words("Hủy tệp", "Cancel"),
    Action.PAUSE: Words("Tạm dừng gửi", "Pause"),
    Action.RESUME: Words("Gửi tiếp", "Resume"),
    Action.STOP: Words("Dừng hẳn", "Stop"),
    Action.SEARCH_NOTICES: Words("Tra cứu tin nhắn", "Search notices"),
    Action.RESEND: Words("Gửi lại tin", "Resend a notice"),
    Action.LIST_CASES: Words("Xem phản ánh", "List cases"),
    Action.CLOSE_CASE: Words("Đóng phản ánh", "Close a case"),
    Action.FIGURES: Words("Xem số liệu", "Figures"),
    Action.AUDIT_TRAIL: Words("Xem nhật ký", "Audit trail"),
}

# A batch file's upload as the console's list tells it (`shown_status`, domain/file_view.py).
FILE_STATUSES: dict[str, Words] = {
    ShownStatus.CHECKING: Words("Đang kiểm tra", "Being checked"),
    ShownStatus.STAGED: Words("Chờ gửi (đã kiểm tra)", "Waiting (checked)"),
    ShownStatus.REJECTED: Words("Bị từ chối", "Rejected"),
    ShownStatus.CANCELLED: Words("Đã hủy", "Cancelled"),
    ShownStatus.RUNNING: Words("Đang xử lý, đang gửi", "Running: being sent"),
    ShownStatus.PAUSED: Words("Đang tạm dừng gửi", "Sending paused"),
    ShownStatus.STOPPED: Words("Đã dừng hẳn", "Stopped for good"),
    ShownStatus.DONE: Words("Xong", "Done"),
}

SECTIONS: dict[str, dict[str, Words]] = {
    "row_reasons": ROW_REASONS,
    "errors": ERRORS,
    "templates": TEMPLATES,
    "kinds": KINDS,
    "actions": ACTIONS,
    "file_statuses": FILE_STATUSES,
}


def for_page() -> dict[str, dict[str, dict[str, str]]]:
    """The catalogue as the console page takes it: `{lang: {section: {code: words}}}`."""
    out: dict[str, Any] = {"vi": {}, "en": {}}
    for section, entries in SECTIONS.items():
        out["vi"][section] = {str(code): words.vi for code, words in entries.items()}
        out["en"][section] = {str(code): words.en for code, words in entries.items()}
    return out

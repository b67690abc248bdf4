"""What a notice's status and reason mean, in plain words for the hotline (Vietnamese and English).

The outbox keeps a status and a terse reason (an SNS error code, the carrier's answer, the sender's
own words); staff on the phone need one sentence they can read out. A reason this does not know is
shown after the status's own sentence, never hidden.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.status import Status


@dataclass(frozen=True)
class Words:
    vi: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"vi": self.vi, "en": self.en}


_STATUS: dict[str, Words] = {
    Status.CREATED: Words("Đang chờ gửi.", "Waiting to be sent."),
    Status.HELD: Words(
        "Đang tạm giữ: tin không gửi vào ban đêm (21:00–07:00), sẽ gửi sau 07:00.",
        "Held: notices are not sent at night (21:00–07:00); it goes after 07:00.",
    ),
    Status.SENDING: Words("Đang gửi.", "Being sent."),
    Status.SENT: Words("Đã gửi đi, chưa có báo nhận từ nhà mạng.", "Sent; the carrier has not yet confirmed delivery."),
    Status.DELIVERED: Words("Điện thoại đã nhận được tin.", "The phone received it."),
    Status.PERMANENT_FAILURE: Words(
        "Không gửi được: nhà mạng từ chối số này.", "Not delivered: the carrier refused this number."
    ),
    Status.TEMPORARY_FAILURE: Words(
        "Chưa gửi được: lỗi tạm thời, hệ thống sẽ thử lại.", "Not delivered yet: a temporary failure, tried again."
    ),
    Status.TECHNICAL_FAILURE: Words(
        "Không gửi được do lỗi kỹ thuật của hệ thống.", "Not delivered: a technical failure on our side."
    ),
    Status.OPTED_OUT: Words(
        "Không gửi: số điện thoại đã từ chối nhận tin (BH HUY hoặc danh sách từ chối của nhà mạng).",
        "Not sent: the phone opted out (BH HUY, or the carrier's opt-out list).",
    ),
    Status.UNREACHABLE: Words(
        "Không gửi: chưa có số điện thoại đăng ký (tờ khai TK1-TS).",
        "Not sent: no registered phone on file (form TK1-TS).",
    ),
    Status.CANCELLED: Words("Đã hủy, không gửi.", "Cancelled; not sent."),
}

# Known reasons, by a lower-case fragment of the stored text, most specific first.
_REASONS: tuple[tuple[str, Words], ...] = (
    (
        "may have sent it",
        Words(
            "Có thể đã gửi đi nhưng không nhận được xác nhận của SNS; hệ thống không tự gửi lại để tránh gửi hai lần.",
            "It may have gone out, but SNS's answer was lost; not retried by itself, so as not to send it twice.",
        ),
    ),
    (
        "gave up after",
        Words("Đã thử gửi nhiều lần không thành công.", "Tried several times without success."),
    ),
    (
        "no delivery receipt",
        Words(
            "Đã gửi nhưng sau 72 giờ nhà mạng không báo đã nhận.",
            "Sent, but the carrier confirmed no delivery within 72 hours.",
        ),
    ),
    (
        "personal data expired",
        Words("Hết thời hạn lưu trước khi gửi được.", "Its retention ended before it could be sent."),
    ),
    ("batch paused", Words("Tệp của tin này đang tạm dừng gửi.", "Its batch file is paused.")),
    ("batch stopped", Words("Tệp của tin này đã bị dừng hẳn.", "Its batch file was stopped.")),
    ("resent from", Words("Nhân viên đã cho gửi lại.", "Staff asked for it to be sent again.")),
    ("opted out", Words("Số điện thoại đã từ chối nhận tin.", "The phone opted out.")),
    ("throttl", Words("Hệ thống gửi tin đang quá tải.", "The SMS service was busy (throttled).")),
    (
        "invalid",
        Words("Số điện thoại không hợp lệ hoặc không nhận được tin.", "The number is not valid or cannot take SMS."),
    ),
    (
        "unreachable",
        Words("Điện thoại tắt máy hoặc ngoài vùng phủ sóng.", "The phone was off or out of coverage."),
    ),
    ("unavailable", Words("Điện thoại tắt máy hoặc ngoài vùng phủ sóng.", "The phone was off or out of coverage.")),
    ("blocked", Words("Nhà mạng hoặc điện thoại đã chặn tin.", "The carrier or the phone blocked it.")),
    ("inbox is full", Words("Hộp tin nhắn của điện thoại đã đầy.", "The phone's inbox was full.")),
)


def explain(status: str, reason: str | None) -> Words:
    """One sentence for the status, then what the reason adds (in plain words, or as stored)."""
    base = _STATUS.get(status, Words(f"Trạng thái: {status}.", f"Status: {status}."))
    if not reason:
        return base
    lowered = reason.lower()
    for fragment, words in _REASONS:
        if fragment in lowered:
            if words.vi == base.vi:
                return base
            return Words(f"{base.vi} {words.vi}", f"{base.en} {words.en}")
    shown = reason[:200]
    return Words(f"{base.vi} Chi tiết: {shown}", f"{base.en} Detail: {shown}")

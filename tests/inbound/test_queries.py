"""Queries answered from the tables, once each, bounded per phone, told only to the right phone."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import sms_replies as r
from chalicelib.domain.clock import ICT
from chalicelib.store.guard import is_opted_out
from tests.factories import SS as SS_CODE
from tests.inbound.conftest import OTHER_PHONE, PHONE


def test_qt_tells_the_registered_phone_its_si_and_ui_months(make, reply) -> None:
    make.person()
    for month in range(1, 13):
        make.month(f"2024-{month:02d}")
    for month in range(1, 4):
        make.month(f"2025-{month:02d}", ui=0)
    make.month("2025-04", si=0, ui=0)
    make.month("2025-03", unit="YN0123A")  # two employers in one month: one month
    assert reply(f"BH QT {SS_CODE}") == (
        f"Ma so BHXH {SS_CODE}: thoi gian tham gia BHXH 1 nam 3 thang; BHTN 1 nam 1 thang."
    )


def test_qt_with_a_range_counts_only_the_months_within_it(make, reply) -> None:
    make.person()
    for period in ("2023-12", "2024-01", "2024-06", "2024-12", "2025-01"):
        make.month(period)
    assert reply(f"bh qt {SS_CODE} 012024 122024").endswith(
        "thoi gian tham gia BHXH 0 nam 3 thang; BHTN 0 nam 3 thang."
    )
    assert "tu 01/2023 den 12/2024" in reply(f"BH QT {SS_CODE} 2023 2024")
    assert reply(f"BH QT {SS_CODE} 2023 2024").endswith("BHXH 0 nam 4 thang; BHTN 0 nam 4 thang.")


def test_qt_gives_the_same_reply_for_an_unknown_code_another_phone_and_no_phone(make, reply) -> None:
    make.person()
    make.person("0220000001", phone=None)
    make.month("2025-01")
    other_phone = reply(f"BH QT {SS_CODE}", sender=OTHER_PHONE)
    unknown = reply("BH QT 0999999999", sender=OTHER_PHONE)
    no_phone = reply("BH QT 0220000001", sender=OTHER_PHONE)
    assert other_phone == r.not_registered(SS_CODE)
    assert unknown.replace("0999999999", SS_CODE) == other_phone
    assert no_phone.replace("0220000001", SS_CODE) == other_phone
    assert "thang" not in other_phone and "TK1-TS" in other_phone


def test_the_sender_is_matched_however_the_carrier_writes_the_number(make, ask, replies) -> None:
    make.person()
    make.month("2025-01")
    ask(f"BH QT {SS_CODE}", sender="84987654321")
    assert replies(PHONE)[-1].endswith("BHXH 0 nam 1 thang; BHTN 0 nam 1 thang.")


def test_the_card_and_dossier_queries_answer_from_the_ledger(make, reply) -> None:
    make.ledger(
        "hi_card#HC4010110129425",
        {
            "card_no": "HC4010110129425",
            "ss_code": SS_CODE,
            "valid_from": "2026-01-01",
            "valid_to": "2026-12-31",
            "household": False,
            "facility": "Bệnh viện Đa khoa Nghệ An",
        },
    )
    make.ledger(
        "dossier#04486.G/2020/08708",
        {
            "dossier_no": "04486.G/2020/08708",
            "procedure": "Cap lai so BHXH",
            "submitter_phone": OTHER_PHONE,
            "status": "completed",
            "received_on": "2026-11-02",
            "completed_on": "2026-11-20",
        },
    )
    assert reply("bh the hc4010110129425") == (
        "The BHYT HC4010110129425, noi DKKCB ban dau Benh vien Da khoa Nghe An, "
        "gia tri su dung tu 01/01/2026 den 31/12/2026 (con gia tri)."
    )
    assert reply("BH HS 04486.g/2020/08708") == (
        "Ho so 04486.G/2020/08708: da xu ly xong, vui long den nhan ket qua (ngay 20/11/2026)."
    )
    assert reply("BH THE DN4790220000001") == r.card_unknown("DN4790220000001")
    assert reply("BH HS 1/2026/1") == r.dossier_unknown("1/2026/1")


def test_a_returned_dossier_s_note_is_told_only_to_its_submitter(make, reply) -> None:
    make.ledger(
        "dossier#03706/2026/07906",
        {
            "dossier_no": "03706/2026/07906",
            "procedure": "Cap lai so BHXH",
            "submitter_phone": PHONE,
            "status": "returned",
            "received_on": "2026-11-02",
            "completed_on": "2026-11-20",
            "note": "Thieu ban sao CCCD cua Nguyen Van An, dia chi 12 Le Loi",
        },
    )
    to_submitter = reply("BH HS 03706/2026/07906", sender=PHONE)
    to_anyone = reply("BH HS 03706/2026/07906", sender=OTHER_PHONE)
    assert "Thieu ban sao CCCD" in to_submitter
    assert "CCCD" not in to_anyone and "Nguyen Van An" not in to_anyone and "ly do" not in to_anyone
    assert to_anyone.startswith("Ho so 03706/2026/07906: ") and "20/11/2026" in to_anyone


def test_bh_huy_opts_the_phone_out_and_bh_dk_back_in_each_confirmed(svc, reply) -> None:
    assert reply("BH HUY") == r.OPTED_OUT
    assert is_opted_out(svc.tables, PHONE)
    assert reply("bh dk") == r.OPTED_IN
    assert not is_opted_out(svc.tables, PHONE)


def test_help_and_error_replies_go_to_the_sender(reply) -> None:
    assert reply("BH") == r.HELP
    assert reply("xin chao") == r.HELP
    assert "Thang khong hop le: 132025" in reply(f"BH QT {SS_CODE} 132025 122025")


def test_a_redelivered_inbound_message_is_answered_once_and_counted_once(ask, replies, svc) -> None:
    assert ask("BH", inbound_id="in-1") == "queued"
    assert ask("BH", inbound_id="in-1") == "duplicate"
    assert ask("BH QT", inbound_id="in-1") == "duplicate"
    assert len(replies()) == 1
    hits = [g for g in svc.tables.guard.scan() if g.pk.startswith("rate#sms#")]
    assert [int(g.hits) for g in hits] == [1]


def test_the_eleventh_query_in_an_hour_gets_one_too_many_reply_then_none(ask, replies, clock) -> None:
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=ICT))
    outcomes = [ask("BH") for _ in range(13)]
    assert outcomes == ["queued"] * 10 + ["too-many", "limited", "limited"]
    texts = replies()
    assert len(texts) == 11 and texts[-1] == r.TOO_MANY
    assert len(replies(OTHER_PHONE)) == 0
    assert ask("BH", sender=OTHER_PHONE) == "queued"  # another phone has its own count
    clock.advance(hours=1)
    assert ask("BH") == "queued"


def test_a_reply_is_sent_at_night_and_to_an_opted_out_phone(svc, pump, sent_sms, ask, clock) -> None:
    clock.set(datetime(2026, 11, 25, 23, 30, tzinfo=ICT))
    ask("BH HUY")
    ask("BH")
    pump.run_until_idle()
    texts = [m.text for m in sent_sms() if m.phone == PHONE]
    assert texts == [r.OPTED_OUT, r.HELP]


def test_a_message_without_a_usable_sender_is_ignored(svc, replies) -> None:
    from chalicelib.inbound.queries import handle_inbound_sms

    for message in ('{"messageBody": "BH"}', '{"originationNumber": "8079", "messageBody": "BH"}', "not json", "[]"):
        assert handle_inbound_sms(svc, message, fallback_id="x") == "ignored"
    assert not list(svc.tables.notifications.scan())


def test_qt_counts_a_month_still_owed_as_no_time_earned_as_the_api_and_the_statement_do(make, reply) -> None:
    make.person()
    for month in range(1, 13):
        make.month(f"2025-{month:02d}", status="owed" if month in (11, 12) else "paid")
    assert reply(f"BH QT {SS_CODE} 2025 2025").endswith("BHXH 0 nam 10 thang; BHTN 0 nam 10 thang.")


def test_a_carrier_message_nested_thousands_deep_is_ignored_not_a_crash(svc) -> None:
    from chalicelib.inbound.queries import handle_inbound_sms

    assert handle_inbound_sms(svc, "[" * 5000 + "]" * 5000, fallback_id="m-deep") == "ignored"
    assert handle_inbound_sms(svc, '{"originationNumber": ' + "[" * 5000 + "]" * 5000 + "}") == "ignored"

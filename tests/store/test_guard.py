from datetime import date

from chalicelib.store.guard import count_hit, is_opted_out, mark_reminders_through, opt_in, opt_out, reminders_through


def test_hits_are_counted_per_window_and_start_again_in_the_next(svc, clock) -> None:
    counts = [count_hit(svc.tables, "otp#0110129425", window_s=900, clock=clock) for _ in range(3)]
    assert counts == [1, 2, 3]
    clock.advance(minutes=15)
    assert count_hit(svc.tables, "otp#0110129425", window_s=900, clock=clock) == 1


def test_a_phone_that_sent_bh_huy_is_opted_out_until_bh_dk(svc) -> None:
    assert not is_opted_out(svc.tables, "+84912345678")
    opt_out(svc.tables, "+84912345678")
    assert is_opted_out(svc.tables, "+84912345678")
    opt_in(svc.tables, "+84912345678")
    assert not is_opted_out(svc.tables, "+84912345678")


def test_how_far_reminders_ran_is_none_at_first_then_the_latest_day_marked(svc) -> None:
    assert reminders_through(svc.tables) is None
    assert mark_reminders_through(svc.tables, date(2026, 11, 25))
    assert mark_reminders_through(svc.tables, date(2026, 11, 26))
    assert not mark_reminders_through(svc.tables, date(2026, 11, 24))  # an old run retried: kept back
    assert reminders_through(svc.tables) == date(2026, 11, 26)

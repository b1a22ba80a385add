"""Calendar of the host pool: index, rules, host choice, alternatives and the check itself."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from zoomsvc.calendar import (
    Busy,
    BusyIndex,
    CalendarRejected,
    Problem,
    Rules,
    Slot,
    check,
    choose_host,
    eligible_hosts,
    find_alternatives,
    host_is_free,
    validate_window,
)
from zoomsvc.calendar.wording import day_ranges
from zoomsvc.config.model import CalendarSettings, Host

WITA = ZoneInfo("Asia/Makassar")
RULES = Rules.from_settings(CalendarSettings(), WITA)
NO_BUFFER = Rules.from_settings(
    CalendarSettings(buffer_before_minutes=0, buffer_after_minutes=0), WITA)

PRO_A = Host("a@kominfo.go.id", "Zoom A", concurrency=1, capacity=300)
BIZ_B = Host("b@kominfo.go.id", "Zoom B", concurrency=2, capacity=500)
BASIC_C = Host("c@kominfo.go.id", "Zoom C", concurrency=1, capacity=100, licensed=False)
BIG_D = Host("d@kominfo.go.id", "Zoom D", concurrency=1, capacity=1000)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A WITA wall-clock time in 2026 as an aware UTC datetime (23 November 2026 is a Monday)."""
    return datetime(2026, month, day, hour, minute, tzinfo=WITA).astimezone(UTC)


NOW = at(16, 8)  # Monday a week before the requests below


def busy(host: Host, start: datetime, end: datetime, ref: str = "x") -> Busy:
    return Busy(host.user, start, end, "service", ref)


def rules(**settings: Any) -> Rules:
    """Rules without buffers, so the arithmetic of a test stays visible, plus ``settings``."""
    unbuffered = replace(CalendarSettings(), buffer_before_minutes=0, buffer_after_minutes=0)
    return Rules.from_settings(replace(unbuffered, **settings), WITA)


# --- Busy and BusyIndex ---------------------------------------------------------------------

def test_busy_rejects_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Busy("a", datetime(2026, 11, 23, 9), at(23, 10), "service", "r1")


def test_busy_rejects_an_end_not_after_its_start_and_an_unknown_source() -> None:
    with pytest.raises(ValueError, match="not after start"):
        Busy("a", at(23, 10), at(23, 10), "service", "r1")
    with pytest.raises(ValueError, match="source"):
        Busy("a", at(23, 9), at(23, 10), "manual", "r1")


def test_busy_times_are_stored_in_utc() -> None:
    local = datetime(2026, 11, 23, 9, tzinfo=WITA)
    item = Busy("a", local, local + timedelta(hours=1), "zoom", "8123")
    assert item.start.tzinfo is UTC
    assert item.start == datetime(2026, 11, 23, 1, tzinfo=UTC)


def test_meetings_touching_at_an_edge_do_not_overlap() -> None:
    index = BusyIndex([busy(PRO_A, at(23, 9), at(23, 10), "before"),
                       busy(PRO_A, at(23, 11), at(23, 12), "after")])
    assert index.overlapping(PRO_A.user, at(23, 10), at(23, 11)) == []
    found = index.overlapping(PRO_A.user, at(23, 9, 59), at(23, 11, 1))
    assert [b.ref for b in found] == ["before", "after"]


def test_index_lookups_ignore_the_case_of_the_host_user() -> None:
    index = BusyIndex([Busy("A@Kominfo.go.id", at(23, 9), at(23, 10), "zoom", "1")])
    assert len(index.overlapping("a@kominfo.go.id", at(23, 9), at(23, 10))) == 1
    assert index.overlapping("someone@else", at(23, 9), at(23, 10)) == []


def test_index_queries_reject_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        BusyIndex().overlapping("a", datetime(2026, 11, 23, 9), at(23, 10))


def _random_intervals(rng: random.Random, count: int, hosts: list[str]) -> list[Busy]:
    origin = datetime(2026, 1, 1, tzinfo=UTC)
    items = []
    for n in range(count):
        start = origin + timedelta(minutes=rng.randrange(0, 30 * 24 * 60))
        # Mostly short meetings with a few day-long ones, which stress the left bound.
        length = rng.randrange(1, 24 * 60) if rng.random() < 0.02 else rng.randrange(1, 240)
        items.append(Busy(rng.choice(hosts), start, start + timedelta(minutes=length),
                          rng.choice(["service", "zoom"]), f"r{n}"))
    return items


def _scan(items: list[Busy], host: str, start: datetime, end: datetime) -> set[str]:
    return {b.ref for b in items if b.host == host and b.start < end and b.end > start}


def test_index_agrees_with_a_brute_force_scan_on_random_data() -> None:
    rng = random.Random(20261123)
    hosts = [f"h{n}" for n in range(5)]
    items = _random_intervals(rng, 3000, hosts)
    index = BusyIndex(items)
    origin = datetime(2026, 1, 1, tzinfo=UTC)
    for _ in range(600):
        host = rng.choice([*hosts, "unknown"])
        start = origin + timedelta(minutes=rng.randrange(-600, 31 * 24 * 60))
        end = start + timedelta(minutes=rng.randrange(1, 2000))
        expected = _scan(items, host, start, end)
        assert {b.ref for b in index.overlapping(host, start, end)} == expected
        assert index.count_on_day(host, start, end) == len(expected)
    assert len(index) == 3000


def test_index_built_incrementally_agrees_with_a_brute_force_scan() -> None:
    rng = random.Random(7)
    hosts = ["h0", "h1", "h2"]
    items = _random_intervals(rng, 800, hosts)
    index = BusyIndex(items[:100])
    for item in items[100:]:
        index.add(item)
    origin = datetime(2026, 1, 1, tzinfo=UTC)
    for _ in range(300):
        host = rng.choice(hosts)
        start = origin + timedelta(minutes=rng.randrange(0, 30 * 24 * 60))
        end = start + timedelta(minutes=rng.randrange(1, 1500))
        assert {b.ref for b in index.overlapping(host, start, end)} == _scan(items, host, start,
                                                                             end)


# --- host_is_free ---------------------------------------------------------------------------

def test_back_to_back_meetings_do_not_clash_without_buffers() -> None:
    index = BusyIndex([busy(PRO_A, at(23, 9), at(23, 10)), busy(PRO_A, at(23, 11), at(23, 12))])
    assert host_is_free(index, PRO_A, at(23, 10), at(23, 11), NO_BUFFER)
    assert not host_is_free(index, PRO_A, at(23, 10), at(23, 11, 1), NO_BUFFER)


def test_buffers_make_a_meeting_ending_at_the_start_clash() -> None:
    index = BusyIndex([busy(PRO_A, at(23, 9), at(23, 10))])
    assert not host_is_free(index, PRO_A, at(23, 10), at(23, 11), RULES)
    assert not host_is_free(index, PRO_A, at(23, 10, 14), at(23, 11), RULES)
    # Exactly the 15-minute buffer apart: the padded window only touches the meeting.
    assert host_is_free(index, PRO_A, at(23, 10, 15), at(23, 11), RULES)


def test_the_after_buffer_protects_the_next_meeting() -> None:
    index = BusyIndex([busy(PRO_A, at(23, 11, 10), at(23, 12))])
    assert not host_is_free(index, PRO_A, at(23, 10), at(23, 11), RULES)
    assert host_is_free(index, PRO_A, at(23, 10), at(23, 10, 55), RULES)


def test_a_concurrency_two_host_takes_a_second_overlapping_meeting() -> None:
    index = BusyIndex([busy(BIZ_B, at(23, 9), at(23, 12))])
    assert host_is_free(index, BIZ_B, at(23, 10), at(23, 11), RULES)
    assert not host_is_free(index, replace(BIZ_B, concurrency=1), at(23, 10), at(23, 11), RULES)


def test_a_concurrency_two_host_is_busy_when_two_meetings_already_run_together() -> None:
    index = BusyIndex([busy(BIZ_B, at(23, 9), at(23, 12), "1"),
                       busy(BIZ_B, at(23, 10, 30), at(23, 10, 45), "2")])
    assert not host_is_free(index, BIZ_B, at(23, 10), at(23, 11), NO_BUFFER)
    assert host_is_free(index, BIZ_B, at(23, 12), at(23, 13), NO_BUFFER)


def test_back_to_back_meetings_inside_the_window_leave_room_on_a_concurrency_two_host() -> None:
    index = BusyIndex([busy(BIZ_B, at(23, 9), at(23, 10), "1"),
                       busy(BIZ_B, at(23, 10), at(23, 11), "2")])
    assert host_is_free(index, BIZ_B, at(23, 9), at(23, 11), NO_BUFFER)
    assert not host_is_free(index, replace(BIZ_B, concurrency=1), at(23, 9), at(23, 11),
                            NO_BUFFER)


def test_host_is_free_matches_a_minute_by_minute_peak_on_random_data() -> None:
    rng = random.Random(42)
    items = _random_intervals(rng, 400, [BIZ_B.user])
    index = BusyIndex(items)
    origin = datetime(2026, 1, 1, tzinfo=UTC)
    answers = []
    for _ in range(300):
        start = origin + timedelta(minutes=rng.randrange(0, 30 * 24 * 60))
        end = start + timedelta(minutes=rng.randrange(1, 180))
        lo, hi = start - RULES.buffer_before, end + RULES.buffer_after
        near = [b for b in items if b.start < hi and b.end > lo]
        # Every endpoint is on a whole minute, so sampling each minute finds the exact peak.
        peak = max(sum(1 for b in near if b.start <= lo + timedelta(minutes=m) < b.end)
                   for m in range(int((hi - lo).total_seconds() // 60)))
        answers.append(peak < 2)
        assert host_is_free(index, BIZ_B, start, end, RULES) == answers[-1]
    assert True in answers
    assert False in answers


# --- eligible_hosts and choose_host ---------------------------------------------------------

def test_hosts_too_small_for_the_participants_are_not_eligible() -> None:
    pool = [PRO_A, BIZ_B, BASIC_C]
    hour = timedelta(minutes=30)
    assert eligible_hosts(pool, 300, hour, RULES) == [PRO_A, BIZ_B]
    assert eligible_hosts(pool, 301, hour, RULES) == [BIZ_B]


def test_a_basic_host_takes_meetings_of_forty_minutes_at_most() -> None:
    assert eligible_hosts([BASIC_C], 50, timedelta(minutes=40), RULES) == [BASIC_C]
    assert eligible_hosts([BASIC_C], 50, timedelta(minutes=41), RULES) == []


def test_excluded_hosts_are_skipped_whatever_the_case_of_their_user() -> None:
    pool = [PRO_A, BIZ_B]
    assert eligible_hosts(pool, 10, timedelta(hours=1), RULES,
                          exclude=frozenset({"A@KOMINFO.GO.ID"})) == [BIZ_B]
    index = BusyIndex()
    assert choose_host(index, pool, at(23, 9), at(23, 10), 10, RULES,
                       exclude={PRO_A.user}) == BIZ_B


def test_a_licensed_host_is_chosen_before_a_less_loaded_basic_host() -> None:
    index = BusyIndex([busy(PRO_A, at(23, 7), at(23, 8))])
    chosen = choose_host(index, [BASIC_C, PRO_A], at(23, 10), at(23, 10, 30), 50, RULES)
    assert chosen == PRO_A


def test_a_basic_host_is_chosen_when_no_licensed_host_is_free() -> None:
    index = BusyIndex([busy(PRO_A, at(23, 10), at(23, 11))])
    chosen = choose_host(index, [PRO_A, BASIC_C], at(23, 10), at(23, 10, 30), 50, RULES)
    assert chosen == BASIC_C


def test_the_least_loaded_host_of_that_local_day_is_chosen() -> None:
    index = BusyIndex([
        busy(PRO_A, at(23, 7), at(23, 8)),
        # 07.30 WITA on the 24th is 23.30 UTC on the 23rd: it loads the 24th, not the 23rd.
        busy(BIZ_B, at(24, 7, 30), at(24, 8)),
        busy(BIZ_B, at(22, 9), at(22, 10)),
    ])
    assert choose_host(index, [PRO_A, BIZ_B], at(23, 13), at(23, 14), 10, RULES) == BIZ_B
    assert choose_host(index, [PRO_A, BIZ_B], at(24, 13), at(24, 14), 10, RULES) == PRO_A


def test_choose_host_keeps_the_buffers_on_both_sides() -> None:
    index = BusyIndex([busy(PRO_A, at(23, 8), at(23, 9)), busy(PRO_A, at(23, 11), at(23, 12))])
    assert choose_host(index, [PRO_A], at(23, 9, 10), at(23, 10, 30), 10, RULES) is None
    assert choose_host(index, [PRO_A], at(23, 9, 30), at(23, 10, 50), 10, RULES) is None
    assert choose_host(index, [PRO_A], at(23, 9, 15), at(23, 10, 45), 10, RULES) == PRO_A


def test_the_config_order_breaks_a_tie() -> None:
    index = BusyIndex()
    assert choose_host(index, [BIZ_B, PRO_A], at(23, 9), at(23, 10), 10, RULES) == BIZ_B
    assert choose_host(index, [PRO_A, BIZ_B], at(23, 9), at(23, 10), 10, RULES) == PRO_A


def test_a_preferred_host_is_accepted_when_eligible_and_free_even_if_more_loaded() -> None:
    index = BusyIndex([busy(BIZ_B, at(23, 7), at(23, 8))])
    chosen = choose_host(index, [PRO_A, BIZ_B], at(23, 10), at(23, 11), 10, RULES,
                         preferred=BIZ_B.user)
    assert chosen == BIZ_B


def test_a_preferred_host_is_refused_when_busy_too_small_or_unknown() -> None:
    index = BusyIndex([busy(PRO_A, at(23, 10), at(23, 11))])
    pool = [PRO_A, BIZ_B]
    assert choose_host(index, pool, at(23, 10), at(23, 11), 10, RULES, preferred=PRO_A.user) is None
    assert choose_host(index, pool, at(23, 13), at(23, 14), 400, RULES,
                       preferred=PRO_A.user) is None
    assert choose_host(index, pool, at(23, 13), at(23, 14), 10, RULES, preferred="x@y") is None


# --- validate_window ------------------------------------------------------------------------

def _fields(problems: list[Problem]) -> list[str]:
    return [p.field for p in problems]


def test_a_window_inside_service_hours_has_no_problems() -> None:
    assert validate_window(at(23, 9), at(23, 12), NOW, RULES) == []
    assert validate_window(at(23, 16), at(23, 17), NOW, RULES) == []


def test_a_start_in_the_past_is_a_problem_on_start() -> None:
    problems = validate_window(at(23, 9), at(23, 10), at(23, 9, 30), RULES)
    assert _fields(problems) == ["start"]
    assert "sudah lewat" in problems[0].message


def test_a_start_sooner_than_the_lead_time_is_a_problem_on_start() -> None:
    problems = validate_window(at(23, 9, 30), at(23, 10), at(23, 9), RULES)
    assert _fields(problems) == ["start"]
    assert "paling cepat 1 jam" in problems[0].message
    assert "10.00 WITA" in problems[0].message
    assert validate_window(at(23, 10), at(23, 11), at(23, 9), RULES) == []


def test_an_end_not_after_the_start_is_a_problem_on_end() -> None:
    problems = validate_window(at(23, 10), at(23, 10), NOW, RULES)
    assert _fields(problems) == ["end"]
    assert "setelah waktu mulai" in problems[0].message


def test_a_duration_over_the_maximum_is_a_problem_on_end() -> None:
    problems = validate_window(at(23, 9), at(24, 9, 30), NOW, RULES)
    assert any(p.field == "end" and "melebihi batas 24 jam" in p.message for p in problems)
    short = rules(max_duration_hours=2)
    problems = validate_window(at(23, 9), at(23, 11, 30), NOW, short)
    assert [(p.field, p.message) for p in problems] == [
        ("end", "Durasi 2 jam 30 menit melebihi batas 2 jam.")]


def test_a_start_before_opening_names_the_service_hours() -> None:
    problems = validate_window(at(23, 6, 30), at(23, 8), NOW, RULES)
    assert _fields(problems) == ["start"]
    assert "di luar jam layanan 07.00–17.00 WITA (Senin–Jumat)" in problems[0].message


def test_an_end_after_closing_is_a_problem_on_end() -> None:
    problems = validate_window(at(23, 16), at(23, 17, 1), NOW, RULES)
    assert _fields(problems) == ["end"]
    assert "Waktu selesai (Senin 17.01)" in problems[0].message


def test_a_start_on_a_non_service_day_is_a_problem_on_start() -> None:
    problems = validate_window(at(28, 9), at(28, 10), NOW, RULES)  # Saturday
    assert _fields(problems) == ["start"]
    assert "Sabtu" in problems[0].message
    assert "(Senin–Jumat)" in problems[0].message


def test_the_zone_label_comes_from_the_rules() -> None:
    wib = Rules.from_settings(CalendarSettings(), ZoneInfo("Asia/Jakarta"), zone_label="WIB")
    # 06.30 WITA is 05.30 WIB: before opening there.
    problems = validate_window(at(23, 6, 30), at(23, 8), NOW, wib)
    assert "07.00–17.00 WIB (Senin–Jumat)" in problems[0].message


def test_validation_rejects_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        validate_window(at(23, 9), at(23, 10), datetime(2026, 11, 16, 8), RULES)


def test_service_days_read_as_runs_of_names() -> None:
    assert day_ranges([5, 1, 2, 3]) == "Senin–Rabu, Jumat"
    assert day_ranges([6, 7]) == "Sabtu, Minggu"
    assert day_ranges(range(1, 8)) == "setiap hari"


# --- check ----------------------------------------------------------------------------------

def test_check_returns_the_chosen_host_when_one_is_free() -> None:
    index = BusyIndex([busy(PRO_A, at(23, 9), at(23, 10))])
    result = check(index, [PRO_A, BIZ_B], at(23, 9), at(23, 10), 50, NOW, RULES)
    assert (result.outcome, result.host, result.reason, result.alternatives) == (
        "available", BIZ_B, None, ())


def test_check_rejects_participants_above_every_capacity_naming_the_largest() -> None:
    with pytest.raises(CalendarRejected) as caught:
        check(BusyIndex(), [PRO_A, BIG_D], at(23, 9), at(23, 10), 1200, NOW, RULES)
    [problem] = caught.value.problems
    assert problem.field == "participants"
    assert "1.000 peserta" in problem.message


def test_check_rejects_zero_participants() -> None:
    with pytest.raises(CalendarRejected) as caught:
        check(BusyIndex(), [PRO_A], at(23, 9), at(23, 10), 0, NOW, RULES)
    assert [p.field for p in caught.value.problems] == ["participants"]


def test_check_rejects_an_invalid_window_with_every_problem() -> None:
    with pytest.raises(CalendarRejected) as caught:
        check(BusyIndex(), [PRO_A], at(28, 9), at(28, 8), -1, NOW, RULES)
    assert [p.field for p in caught.value.problems] == ["end", "start", "participants"]


def test_check_rejects_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        check(BusyIndex(), [PRO_A], datetime(2026, 11, 23, 9), at(23, 10), 10, NOW, RULES)


def test_check_reports_all_busy_with_alternatives() -> None:
    index = BusyIndex([busy(PRO_A, at(23, 9), at(23, 11))])
    result = check(index, [PRO_A], at(23, 10), at(23, 11), 10, NOW, RULES)
    assert (result.outcome, result.host, result.reason) == ("full", None, "all_busy")
    assert len(result.alternatives) == 3
    assert result.message is not None
    assert "Senin, 23 November 2026 10.00–11.00 WITA" in result.message


def test_check_reports_no_eligible_host_when_only_basic_hosts_fit_a_long_meeting() -> None:
    result = check(BusyIndex(), [PRO_A, BASIC_C, BIG_D], at(23, 9), at(23, 10), 80, NOW, RULES)
    assert result.outcome == "available"
    result = check(BusyIndex(), [BASIC_C], at(23, 9), at(23, 10), 80, NOW, RULES)
    assert (result.outcome, result.reason, result.alternatives) == ("full", "no_eligible_host", ())
    assert result.message is not None
    assert "akun Basic" in result.message


def test_check_accepts_a_free_preferred_host() -> None:
    result = check(BusyIndex(), [PRO_A, BIZ_B], at(23, 9), at(23, 10), 10, NOW, RULES,
                   preferred=BIZ_B.user)
    assert result.host == BIZ_B


def test_check_refuses_a_busy_preferred_host_on_the_host_field() -> None:
    index = BusyIndex([busy(PRO_A, at(23, 9), at(23, 10))])
    with pytest.raises(CalendarRejected) as caught:
        check(index, [PRO_A, BIZ_B], at(23, 9), at(23, 10), 10, NOW, RULES,
              preferred=PRO_A.user)
    [problem] = caught.value.problems
    assert problem.field == "host"
    assert "Zoom A sudah terpakai" in problem.message


def test_check_refuses_a_basic_preferred_host_for_a_long_meeting() -> None:
    with pytest.raises(CalendarRejected, match="akun Basic"):
        check(BusyIndex(), [PRO_A, BASIC_C], at(23, 9), at(23, 10), 10, NOW, RULES,
              preferred=BASIC_C.user)


# --- find_alternatives ----------------------------------------------------------------------

def _local(slots: list[Slot]) -> list[str]:
    return [s.start.astimezone(WITA).strftime("%a %H:%M") for s in slots]


def test_alternatives_are_ordered_by_distance_with_the_earlier_first_on_a_tie() -> None:
    index = BusyIndex([busy(PRO_A, at(23, 10), at(23, 11))])
    slots = find_alternatives(index, [PRO_A], at(23, 10), at(23, 11), 10, NOW, NO_BUFFER)
    assert _local(slots) == ["Mon 09:00", "Mon 11:00", "Mon 08:00"]


def test_alternatives_keep_the_duration_and_stay_within_service_hours() -> None:
    index = BusyIndex([busy(PRO_A, at(23, 7), at(23, 17))])
    strict = rules(alternatives=20)
    slots = find_alternatives(index, [PRO_A], at(23, 15), at(23, 16, 30), 10, NOW, strict)
    assert len(slots) == 20
    for slot in slots:
        start, end = slot.start.astimezone(WITA), slot.end.astimezone(WITA)
        assert slot.end - slot.start == timedelta(minutes=90)
        assert start.isoweekday() <= 5
        assert start.date() == end.date()
        assert (start.hour, start.minute) >= (7, 0)
        assert (end.hour, end.minute) <= (17, 0)
        assert start.minute in (0, 30)


def test_alternatives_skip_weekends() -> None:
    index = BusyIndex([busy(PRO_A, at(27, 7), at(27, 17))])  # all of Friday
    slots = find_alternatives(index, [PRO_A], at(27, 16), at(27, 17), 10, NOW, NO_BUFFER)
    assert _local(slots) == ["Mon 07:00", "Mon 08:00", "Mon 09:00"]
    assert slots[0].start == at(30, 7)


def test_alternatives_never_overlap_each_other() -> None:
    slots = find_alternatives(BusyIndex(), [BIZ_B], at(23, 10), at(23, 12), 10, NOW,
                              rules(alternatives=6))
    assert len(slots) == 6
    for n, one in enumerate(slots):
        for other in slots[n + 1:]:
            assert one.end <= other.start or other.end <= one.start


def test_alternatives_are_limited_to_the_configured_count() -> None:
    slots = find_alternatives(BusyIndex(), [PRO_A], at(23, 10), at(23, 11), 10, NOW,
                              rules(alternatives=2))
    assert len(slots) == 2


def test_alternatives_are_limited_to_the_configured_days() -> None:
    index = BusyIndex([busy(PRO_A, at(23, 7), at(23, 17)), busy(PRO_A, at(24, 7), at(24, 17))])
    assert find_alternatives(index, [PRO_A], at(23, 9), at(23, 10), 10, NOW,
                             rules(alternative_days=1)) == []
    slots = find_alternatives(index, [PRO_A], at(23, 9), at(23, 10), 10, NOW,
                              rules(alternative_days=2))
    assert {s.start.astimezone(WITA).day for s in slots} == {25}


def test_alternatives_never_start_before_now_plus_the_lead_time() -> None:
    index = BusyIndex([busy(PRO_A, at(23, 10), at(23, 11))])
    now = at(23, 8)
    slots = find_alternatives(index, [PRO_A], at(23, 10), at(23, 11), 10, now,
                              rules(alternatives=4))
    assert all(s.start >= now + timedelta(minutes=60) for s in slots)
    assert _local(slots) == ["Mon 09:00", "Mon 11:00", "Mon 12:00", "Mon 13:00"]


def test_alternatives_exclude_the_requested_window_itself() -> None:
    slots = find_alternatives(BusyIndex(), [PRO_A], at(23, 10), at(23, 11), 10, NOW, NO_BUFFER)
    assert _local(slots) == ["Mon 09:30", "Mon 10:30", "Mon 08:30"]


def test_alternatives_name_the_host_choose_host_would_pick() -> None:
    index = BusyIndex([busy(PRO_A, at(23, 9), at(23, 12)), busy(BIZ_B, at(23, 9), at(23, 10)),
                       busy(BIZ_B, at(23, 9), at(23, 11))])
    pool = [PRO_A, BIZ_B]
    slots = find_alternatives(index, pool, at(23, 9), at(23, 10), 10, NOW, RULES)
    assert slots
    for slot in slots:
        chosen = choose_host(index, pool, slot.start, slot.end, 10, RULES)
        assert chosen is not None
        assert slot.host == chosen.user


def test_no_alternatives_when_the_duration_does_not_fit_service_hours() -> None:
    slots = find_alternatives(BusyIndex(), [PRO_A], at(23, 7), at(23, 18), 10, NOW, RULES)
    assert slots == []

"""Working days in Indonesia: holidays and cuti bersama, local changes, hours and breaks per
weekday, and the staff's override of a holiday, from the pure calendar to the CLI and the web."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from cli_support import toml_text, workday
from click.testing import CliRunner
from web_support import WebEnv, form_fields, text_of

from zoomsvc.calendar import (
    Busy,
    BusyIndex,
    CalendarRejected,
    Rules,
    check,
    find_alternatives,
    holiday_calendar,
    validate_window,
)
from zoomsvc.cli import cli
from zoomsvc.config import ConfigError, build_config, demo_document
from zoomsvc.config.model import CalendarSettings, Host, LocalHoliday, ServiceHours
from zoomsvc.provisioning import Provisioner
from zoomsvc.store.models import AuditEvent, Request

WITA = ZoneInfo("Asia/Makassar")
HOST = Host("a@kominfo.go.id", "Zoom A", concurrency=1, capacity=300)
FRIDAY_PRAYER = ServiceHours(days=(5,), breaks=(("11:30", "13:30"),))
NOW = datetime(2026, 12, 14, 8, tzinfo=WITA).astimezone(UTC)  # Monday, ten days before Natal


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A WITA wall-clock time in 2026, as UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=WITA).astimezone(UTC)


def rules(**settings: Any) -> Rules:
    """Rules without buffers over the 2026 holidays of ``settings`` (defaults otherwise)."""
    calendar = replace(CalendarSettings(buffer_before_minutes=0, buffer_after_minutes=0),
                       **settings)
    return Rules.from_settings(calendar, WITA, holidays=holiday_calendar(calendar, [2026]))


def messages(problems: list[Any]) -> list[str]:
    return [p.message for p in problems]


# --- the pure calendar -----------------------------------------------------------------------

def test_a_meeting_on_christmas_friday_is_refused_with_the_holidays_name() -> None:
    found = messages(validate_window(at(12, 25, 9), at(12, 25, 11), NOW, rules()))

    assert found == ["Jumat, 25 Desember 2026 adalah hari libur: Hari Raya Natal."]


def test_cuti_bersama_is_closed_unless_switched_off() -> None:
    window = (at(12, 24, 9), at(12, 24, 11), NOW)

    assert messages(validate_window(*window, rules())) == [
        "Kamis, 24 Desember 2026 adalah hari libur: Cuti Bersama Hari Raya Natal."]
    assert validate_window(*window, rules(cuti_bersama=False)) == []


def test_a_local_holiday_is_refused_and_a_removed_one_accepted() -> None:
    local = rules(holidays_add=(LocalHoliday("2026-12-15", "HUT Kota Tarakan"),),
                  holidays_remove=("2026-12-24",))

    assert messages(validate_window(at(12, 15, 9), at(12, 15, 10), NOW, local)) == [
        "Selasa, 15 Desember 2026 adalah hari libur: HUT Kota Tarakan."]
    assert validate_window(at(12, 24, 9), at(12, 24, 10), NOW, local) == []


def test_the_holiday_override_lets_the_window_through_but_not_outside_service_hours() -> None:
    assert validate_window(at(12, 25, 9), at(12, 25, 11), NOW, rules(),
                           override_holiday=True) == []
    late = validate_window(at(12, 25, 18), at(12, 25, 19), NOW, rules(), override_holiday=True)
    assert [p.field for p in late] == ["start", "end"]


def test_a_meeting_in_the_friday_prayer_break_is_refused() -> None:
    friday = rules(hours=(FRIDAY_PRAYER,))

    found = messages(validate_window(at(12, 18, 12), at(12, 18, 13), NOW, friday))

    assert found == ["Rapat 12.00–13.00 beririsan dengan jam istirahat hari Jumat "
                     "11.30–13.30 WITA."]
    assert validate_window(at(12, 18, 9), at(12, 18, 11, 30), NOW, friday) == []
    assert validate_window(at(12, 17, 12), at(12, 17, 13), NOW, friday) == []  # a Thursday


def test_hours_of_one_weekday_replace_the_default_hours_for_that_day() -> None:
    short = rules(hours=(ServiceHours(days=(5,), close="11:00"),))

    found = messages(validate_window(at(12, 18, 10), at(12, 18, 12), NOW, short))

    assert found == ["Waktu selesai (Jumat 12.00) di luar jam layanan hari Jumat "
                     "07.00–11.00 WITA."]


def test_a_full_pool_on_the_24th_offers_no_alternative_on_christmas() -> None:
    # The office works on the 24th here (the cuti bersama removed by the city); it is full.
    open_24 = rules(holidays_remove=("2026-12-24",))
    index = BusyIndex([Busy(HOST.user, at(12, 24, 7), at(12, 24, 17), "service", "full")])

    answer = check(index, [HOST], at(12, 24, 9), at(12, 24, 12), 50, NOW, open_24)

    assert answer.outcome == "full"
    days = [rules().local(slot.start).date().day for slot in answer.alternatives]
    assert len(days) == 3
    assert 25 not in days
    assert set(days) == {28}  # Friday the 25th is Natal, then the weekend


def test_alternatives_on_a_friday_avoid_the_prayer_break() -> None:
    friday = rules(hours=(FRIDAY_PRAYER,), alternatives=20, alternative_days=0)
    index = BusyIndex([Busy(HOST.user, at(12, 18, 9), at(12, 18, 10), "service", "taken")])

    slots = find_alternatives(index, [HOST], at(12, 18, 9), at(12, 18, 10), 50, NOW, friday)

    assert slots
    for slot in slots:
        start, end = friday.local(slot.start).time(), friday.local(slot.end).time()
        assert end <= datetime(2026, 1, 1, 11, 30).time() or start >= datetime(
            2026, 1, 1, 13, 30).time(), (start, end)
    assert not any(friday.local(s.start).hour == 12 for s in slots)


def test_check_refuses_a_holiday_before_looking_at_the_pool() -> None:
    with pytest.raises(CalendarRejected, match="hari libur: Hari Raya Natal"):
        check(BusyIndex(), [HOST], at(12, 25, 9), at(12, 25, 10), 50, NOW, rules())


# --- configuration ---------------------------------------------------------------------------

def calendar_config(**calendar: Any) -> CalendarSettings:
    document = demo_document()
    document["calendar"] = calendar
    return build_config(document, {}, source="test").calendar


def test_hours_and_holidays_load_from_the_configuration() -> None:
    settings = calendar_config(
        hours=[{"days": ["jumat"], "breaks": [["11:30", "13:30"]]},
               {"days": [1], "open": "08:00"}],
        holidays_add=[{"date": "2026-12-15", "name": "HUT Kota Tarakan"}],
        holidays_remove=["2026-12-24"])

    assert settings.hours == (FRIDAY_PRAYER, ServiceHours(days=(1,), open="08:00"))
    assert settings.holidays_add == (LocalHoliday("2026-12-15", "HUT Kota Tarakan"),)
    assert settings.holidays_remove == ("2026-12-24",)


def test_todays_configuration_without_the_new_keys_keeps_its_hours() -> None:
    settings = calendar_config(service_start="08:00", service_end="16:00")
    plain = Rules.from_settings(settings, WITA)

    assert settings.hours == ()
    hours = plain.hours_on(5)
    assert hours is not None
    assert (hours.opens.hour, hours.closes.hour, hours.breaks) == (8, 16, ())


@pytest.mark.parametrize(("calendar", "key"), [
    ({"hours": [{"days": ["sabtu"]}]}, "calendar.hours[0].days"),
    ({"hours": [{"days": ["jumat"]}, {"days": [5]}]}, "calendar.hours[1].days"),
    ({"hours": [{"days": ["jumaat"]}]}, "calendar.hours[0].days"),
    ({"hours": [{"days": [5], "open": "12:00", "close": "10:00"}]}, "calendar.hours[0].close"),
    ({"hours": [{"days": [5], "breaks": [["18:00", "19:00"]]}]}, "calendar.hours[0].breaks"),
    ({"hours": [{"days": [5], "breaks": [["11:30"]]}]}, "calendar.hours[0].breaks"),
    ({"holidays_add": [{"date": "15-12-2026", "name": "HUT"}]}, "calendar.holidays_add[0].date"),
    ({"holidays_add": [{"date": "2026-12-15", "name": " "}]}, "calendar.holidays_add[0].name"),
    ({"holidays_remove": ["besok"]}, "calendar.holidays_remove[0]"),
])
def test_bad_working_day_keys_are_refused_naming_the_key(calendar: dict[str, Any],
                                                         key: str) -> None:
    with pytest.raises(ConfigError) as refused:
        calendar_config(**calendar)
    assert refused.value.key == key


# --- the staff's override, through the service, the CLI and the web --------------------------

def test_an_override_with_a_reason_is_stored_and_audited(
        provisioner: Provisioner, make_request: Callable[..., dict[str, Any]]) -> None:
    christmas = make_request(start="2026-12-25T09:00", end="2026-12-25T11:00")
    with pytest.raises(CalendarRejected, match="hari libur: Hari Raya Natal"):
        provisioner.submit(christmas)

    result = provisioner.submit(christmas, override_holiday="Rapat tanggap darurat banjir")

    assert result.outcome == "scheduled"
    with provisioner.db.session() as session:
        request = session.query(Request).filter_by(code=result.code).one()
        assert request.holiday_override == "Rapat tanggap darurat banjir"
        notes = [e.note for e in session.query(AuditEvent).filter_by(request_id=request.id)]
    assert any("diizinkan: Rapat tanggap darurat banjir" in note for note in notes)


def test_an_override_needs_a_reason_and_a_staff_role(
        provisioner: Provisioner, make_request: Callable[..., dict[str, Any]]) -> None:
    from zoomsvc.workflow import Role

    christmas = make_request(start="2026-12-25T09:00", end="2026-12-25T11:00")
    with pytest.raises(CalendarRejected, match="Alasan"):
        provisioner.submit(christmas, override_holiday="  ")
    with pytest.raises(CalendarRejected, match="Hanya staf"):
        provisioner.submit(christmas, role=Role.OPD, override_holiday="alasan")


def test_cli_provision_refuses_a_local_holiday_and_takes_the_override(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        config_document: dict[str, Any], make_request: Callable[..., dict[str, Any]]) -> None:
    # The CLI runs on the wall clock: a coming working day is made a local holiday.
    day = workday()
    document = json.loads(json.dumps(config_document))
    document["zoom"]["max_retries"] = 0
    document["letters"].update(output_dir=str(tmp_path / "letters"),
                               files_dir=str(tmp_path / "files"))
    document["calendar"] = {"holidays_add": [{"date": day.isoformat(),
                                              "name": "HUT Kota Uji"}]}
    path = tmp_path / "zoomsvc.toml"
    path.write_text(toml_text(document), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["--config", str(path), "db", "upgrade"]).exit_code == 0
    request_file = tmp_path / "REQUEST.json"
    request_file.write_text(json.dumps(make_request(start=f"{day}T09:00", end=f"{day}T11:00")),
                            encoding="utf-8")

    refused = runner.invoke(cli, ["--config", str(path), "provision", str(request_file)])
    taken = runner.invoke(cli, ["--config", str(path), "provision", str(request_file),
                                "--override-holiday", "Kunjungan menteri"])

    assert refused.exit_code == 2
    assert "adalah hari libur: HUT Kota Uji" in refused.stderr
    assert taken.exit_code == 0, taken.output
    assert json.loads(taken.stdout)["outcome"] == "scheduled"


def test_the_web_form_takes_the_override_with_a_reason(web: WebEnv) -> None:
    staff = web.as_role("staf")
    christmas = form_fields(day="2026-12-25", letter_number="440/NATAL/2026")

    refused = staff.post("/permohonan/baru", christmas)
    no_reason = staff.post("/permohonan/baru", {**christmas, "override_holiday": "y"})
    taken = staff.post("/permohonan/baru", {**christmas, "override_holiday": "y",
                                            "override_reason": "Rapat darurat bencana"})

    assert refused.status_code == 400
    assert "25 Desember 2026 adalah hari libur: Hari Raya Natal" in text_of(refused)
    assert no_reason.status_code == 400
    assert "Alasan rapat pada hari libur" in text_of(no_reason)
    assert taken.status_code == 302
    with web.services.db.session() as session:
        request = session.query(Request).filter_by(letter_number="440/NATAL/2026").one()
        assert request.holiday_override == "Rapat darurat bencana"


def test_the_availability_view_marks_holidays(web: WebEnv) -> None:
    answer = web.as_role("staf").get("/kalender/data?dari=2026-12-21&sampai=2026-12-27")

    assert answer.status_code == 200
    holidays = {event["start"][:10]: event["title"] for event in answer.get_json()["events"]
                if event.get("extendedProps", {}).get("kind") == "libur"}
    assert holidays == {"2026-12-24": "Hari libur: Cuti Bersama Hari Raya Natal",
                        "2026-12-25": "Hari libur: Hari Raya Natal"}

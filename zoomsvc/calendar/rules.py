"""The calendar rules (buffers, service hours and breaks, holidays, lead time, limits) and
validation of a window."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from zoomsvc.calendar import wording
from zoomsvc.calendar.busy import require_aware
from zoomsvc.calendar.holiday_calendar import HolidayCalendar
from zoomsvc.config.model import CalendarSettings


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request, naming the form field it belongs to."""

    field: str
    message: str


class CalendarRejected(ValueError):
    """The request cannot be checked at all: the window or the participants are invalid."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in self.problems))


def _clock_time(key: str, value: str) -> time:
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise ValueError(f"calendar.{key}: expected HH:MM, got {value!r}") from exc


@dataclass(frozen=True)
class DayHours:
    """The service hours of one weekday: open from ``opens`` to ``closes`` except ``breaks``."""

    opens: time
    closes: time
    breaks: tuple[tuple[time, time], ...] = ()

    def break_within(self, start: time, end: time) -> tuple[time, time] | None:
        """The first break that overlaps [start, end) of that day, if any."""
        for pause in self.breaks:
            if start < pause[1] and pause[0] < end:
                return pause
        return None


def _day_hours(settings: CalendarSettings, opens: time, closes: time) -> dict[int, DayHours]:
    hours = {day: DayHours(opens, closes) for day in settings.service_days}
    for entry in settings.hours:
        own = DayHours(
            _clock_time("hours.open", entry.open) if entry.open else opens,
            _clock_time("hours.close", entry.close) if entry.close else closes,
            tuple(sorted((_clock_time("hours.breaks", a), _clock_time("hours.breaks", b))
                         for a, b in entry.breaks)))
        for day in entry.days:
            hours[day] = own
    return hours


@dataclass(frozen=True)
class Rules:
    """CalendarSettings resolved against the agency's time zone, ready for arithmetic."""

    tz: ZoneInfo
    buffer_before: timedelta
    buffer_after: timedelta
    service_start: time
    service_end: time
    service_days: frozenset[int]
    min_lead: timedelta
    max_duration: timedelta
    basic_max: timedelta
    alternatives: int
    alternative_days: int
    slot_step: timedelta
    zone_label: str = "WITA"
    hours: Mapping[int, DayHours] = field(default_factory=dict)
    holidays: HolidayCalendar = field(default_factory=HolidayCalendar)

    @classmethod
    def from_settings(cls, settings: CalendarSettings, tz: ZoneInfo, zone_label: str = "WITA",
                      holidays: HolidayCalendar | None = None) -> Rules:
        """Build the rules from the ``[calendar]`` settings, the agency's zone and the closed
        days (none when not given)."""
        opens = _clock_time("service_start", settings.service_start)
        closes = _clock_time("service_end", settings.service_end)
        if closes <= opens:
            raise ValueError("calendar.service_end must be after calendar.service_start")
        if settings.slot_step_minutes <= 0:
            raise ValueError("calendar.slot_step_minutes must be positive")
        return cls(
            tz=tz,
            buffer_before=timedelta(minutes=settings.buffer_before_minutes),
            buffer_after=timedelta(minutes=settings.buffer_after_minutes),
            service_start=opens,
            service_end=closes,
            service_days=frozenset(settings.service_days),
            min_lead=timedelta(minutes=settings.min_lead_minutes),
            max_duration=timedelta(hours=settings.max_duration_hours),
            basic_max=timedelta(minutes=settings.basic_max_minutes),
            alternatives=settings.alternatives,
            alternative_days=settings.alternative_days,
            slot_step=timedelta(minutes=settings.slot_step_minutes),
            zone_label=zone_label,
            hours=_day_hours(settings, opens, closes),
            holidays=holidays or HolidayCalendar(),
        )

    def hours_on(self, iso_weekday: int) -> DayHours | None:
        """The service hours of a weekday; None when it is not a service day."""
        if iso_weekday not in self.service_days:
            return None
        # Rules built by hand (tests, benchmarks) may leave ``hours`` empty: the defaults apply.
        return self.hours.get(iso_weekday) or DayHours(self.service_start, self.service_end)

    @property
    def service_label(self) -> str:
        """The service hours as people read them: ``07.00–17.00 WITA (Senin–Jumat)``."""
        return (f"{wording.clock(self.service_start)}–{wording.clock(self.service_end)} "
                f"{self.zone_label} ({wording.day_ranges(self.service_days)})")

    def local(self, moment: datetime) -> datetime:
        """``moment`` in the agency's zone."""
        return moment.astimezone(self.tz)

    def at_local(self, day: date, clock: time) -> datetime:
        """The UTC instant of a local wall-clock time on a local day."""
        # Attaching the zone and converting lets zoneinfo resolve the offset for that very day.
        return datetime.combine(day, clock, tzinfo=self.tz).astimezone(UTC)

    def day_bounds(self, moment: datetime) -> tuple[datetime, datetime]:
        """The UTC bounds [midnight, next midnight) of the local day containing ``moment``."""
        day = self.local(moment).date()
        return self.at_local(day, time()), self.at_local(day + timedelta(days=1), time())


def starts_in_service(start: datetime, rules: Rules) -> bool:
    """Whether ``start`` falls on a service day within that day's hours (local time)."""
    local = rules.local(start)
    hours = rules.hours_on(local.isoweekday())
    return hours is not None and hours.opens <= local.time() < hours.closes


def ends_in_service(start: datetime, end: datetime, rules: Rules) -> bool:
    """Whether ``end`` closes on the local day of ``start`` no later than that day's close."""
    local_start, local_end = rules.local(start), rules.local(end)
    hours = rules.hours_on(local_start.isoweekday())
    return (hours is not None and local_end.date() == local_start.date()
            and hours.opens < local_end.time() <= hours.closes)


def break_during(start: datetime, end: datetime, rules: Rules) -> tuple[time, time] | None:
    """The break (local clock times) that [start, end) overlaps on its local day, if any."""
    local_start, local_end = rules.local(start), rules.local(end)
    hours = rules.hours_on(local_start.isoweekday())
    if hours is None or not hours.breaks:
        return None
    until = local_end.time() if local_end.date() == local_start.date() else time.max
    return hours.break_within(local_start.time(), until)


def in_service(start: datetime, end: datetime, rules: Rules) -> bool:
    """Whether the whole window [start, end) lies within one day's service hours, outside its
    breaks (holidays are the caller's to check: see :func:`holiday_on`)."""
    return (end > start and starts_in_service(start, rules) and ends_in_service(start, end, rules)
            and break_during(start, end, rules) is None)


def holiday_on(start: datetime, rules: Rules) -> str | None:
    """The name of the holiday on the local day of ``start``, if it is one."""
    return rules.holidays.name_of(rules.local(start).date())


def validate_window(start: datetime, end: datetime, now: datetime, rules: Rules,
                    override_holiday: bool = False) -> list[Problem]:
    """Everything wrong with the window [start, end) requested at ``now``; empty when valid.

    ``override_holiday``: staff have recorded a reason to hold the meeting on a holiday or in a
    break, so those two are not problems; the service hours and days still are.
    """
    for name, value in (("start", start), ("end", end), ("now", now)):
        require_aware(name, value)
    problems: list[Problem] = []
    local_start = rules.local(start)
    if start < now:
        when = wording.local_moment(local_start, rules.zone_label)
        problems.append(Problem("start", f"Waktu mulai {when} sudah lewat."))
    elif start < now + rules.min_lead:
        earliest = wording.local_moment(rules.local(now + rules.min_lead), rules.zone_label)
        problems.append(Problem("start", f"Waktu mulai paling cepat "
                                f"{wording.duration(rules.min_lead)} dari sekarang "
                                f"({earliest})."))
    if end <= start:
        problems.append(Problem("end", "Waktu selesai harus setelah waktu mulai."))
    elif end - start > rules.max_duration:
        problems.append(Problem("end", f"Durasi {wording.duration(end - start)} melebihi batas "
                                f"{wording.duration(rules.max_duration)}."))
    if not starts_in_service(start, rules):
        problems.append(Problem("start", _outside("Waktu mulai", local_start, rules)))
    # A start on a non-service day already says it all; the end is judged only on a service day.
    service_day = local_start.isoweekday() in rules.service_days
    if end > start and service_day and not ends_in_service(start, end, rules):
        problems.append(Problem("end", _outside("Waktu selesai", rules.local(end), rules)))
    if service_day and not override_holiday:
        problems.extend(_closed_problems(start, end, rules))
    return problems


def _closed_problems(start: datetime, end: datetime, rules: Rules) -> list[Problem]:
    local_start = rules.local(start)
    holiday = holiday_on(start, rules)
    if holiday is not None:
        return [Problem("start", f"{wording.local_date(local_start)} adalah hari libur: "
                        f"{holiday}.")]
    pause = break_during(start, end, rules) if end > start else None
    if pause is not None:
        day = wording.day_name(local_start.isoweekday())
        return [Problem("start", f"Rapat {wording.clock(local_start)}–"
                        f"{wording.clock(rules.local(end))} beririsan dengan jam istirahat hari "
                        f"{day} {wording.clock(pause[0])}–{wording.clock(pause[1])} "
                        f"{rules.zone_label}.")]
    return []


def _outside(what: str, local: datetime, rules: Rules) -> str:
    when = f"{wording.day_name(local.isoweekday())} {wording.clock(local)}"
    hours = rules.hours_on(local.isoweekday())
    if hours is None or (hours.opens, hours.closes) == (rules.service_start, rules.service_end):
        return f"{what} ({when}) di luar jam layanan {rules.service_label}."
    return (f"{what} ({when}) di luar jam layanan hari {wording.day_name(local.isoweekday())} "
            f"{wording.clock(hours.opens)}–{wording.clock(hours.closes)} {rules.zone_label}.")

"""The calendar rules (buffers, service hours, lead time, limits) and validation of a window."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from zoomsvc.calendar import wording
from zoomsvc.calendar.busy import require_aware
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

    @classmethod
    def from_settings(cls, settings: CalendarSettings, tz: ZoneInfo,
                      zone_label: str = "WITA") -> Rules:
        """Build the rules from the ``[calendar]`` settings and the agency's zone."""
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
        )

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
    """Whether ``start`` falls on a service day within service hours (local time)."""
    local = rules.local(start)
    return (local.isoweekday() in rules.service_days
            and rules.service_start <= local.time() < rules.service_end)


def ends_in_service(start: datetime, end: datetime, rules: Rules) -> bool:
    """Whether ``end`` closes on the local day of ``start`` no later than the service end."""
    local_start, local_end = rules.local(start), rules.local(end)
    return (local_end.date() == local_start.date()
            and rules.service_start < local_end.time() <= rules.service_end)


def in_service(start: datetime, end: datetime, rules: Rules) -> bool:
    """Whether the whole window [start, end) lies within one day's service hours."""
    return end > start and starts_in_service(start, rules) and ends_in_service(start, end, rules)


def validate_window(start: datetime, end: datetime, now: datetime,
                    rules: Rules) -> list[Problem]:
    """Everything wrong with the window [start, end) requested at ``now``; empty when valid."""
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
    if (end > start and local_start.isoweekday() in rules.service_days
            and not ends_in_service(start, end, rules)):
        problems.append(Problem("end", _outside("Waktu selesai", rules.local(end), rules)))
    return problems


def _outside(what: str, local: datetime, rules: Rules) -> str:
    when = f"{wording.day_name(local.isoweekday())} {wording.clock(local)}"
    return f"{what} ({when}) di luar jam layanan {rules.service_label}."

"""Availability of the Zoom host pool and alternative slots: pure functions over intervals.

- :mod:`.busy` holds the busy intervals and the per-host index (``BusyIndex``);
- :mod:`.holiday_calendar` holds the closed days (national, cuti bersama, local changes);
- :mod:`.rules` turns ``[calendar]`` settings into ``Rules`` and validates a requested window;
- :mod:`.hosts` decides which hosts are eligible, free, and which one to pick;
- :mod:`.search` proposes alternative slots when the pool is full;
- :mod:`.availability` puts them together in ``check`` (SOP step 4).

All datetimes are timezone-aware; stored and returned times are UTC, service hours are local.
"""

from zoomsvc.calendar.availability import (
    Availability,
    FullReason,
    Outcome,
    check,
    preferred_problem,
    validate_request,
)
from zoomsvc.calendar.busy import Busy, BusyIndex, BusyLookup
from zoomsvc.calendar.holiday_calendar import HolidayCalendar, holiday_calendar, years_around
from zoomsvc.calendar.hosts import choose_host, eligible_hosts, host_is_free, pick_host
from zoomsvc.calendar.rules import (
    CalendarRejected,
    DayHours,
    Problem,
    Rules,
    holiday_on,
    in_service,
    validate_window,
)
from zoomsvc.calendar.search import Slot, find_alternatives

__all__ = [
    "Availability",
    "Busy",
    "BusyIndex",
    "BusyLookup",
    "CalendarRejected",
    "DayHours",
    "FullReason",
    "HolidayCalendar",
    "Outcome",
    "Problem",
    "Rules",
    "Slot",
    "check",
    "choose_host",
    "eligible_hosts",
    "find_alternatives",
    "holiday_calendar",
    "holiday_on",
    "host_is_free",
    "in_service",
    "pick_host",
    "preferred_problem",
    "validate_request",
    "validate_window",
    "years_around",
]

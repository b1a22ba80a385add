"""The calendar check of SOP step 4: a host for the request, or "full" with alternatives."""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from zoomsvc.calendar import wording
from zoomsvc.calendar.busy import BusyLookup, host_key
from zoomsvc.calendar.hosts import choose_host, eligible_hosts, host_is_free
from zoomsvc.calendar.rules import CalendarRejected, Problem, Rules, validate_window
from zoomsvc.calendar.search import Slot, find_alternatives
from zoomsvc.config.model import Host

Outcome = Literal["available", "full"]
FullReason = Literal["all_busy", "no_eligible_host"]


@dataclass(frozen=True)
class Availability:
    """The answer of :func:`check`; ``message`` explains a "full" outcome in Indonesian."""

    outcome: Outcome
    host: Host | None
    reason: FullReason | None
    alternatives: tuple[Slot, ...]
    message: str | None = None


def _participant_problems(hosts: Sequence[Host], participants: int) -> list[Problem]:
    if participants <= 0:
        return [Problem("participants", "Jumlah peserta harus lebih dari 0.")]
    if not hosts:
        return [Problem("participants", "Belum ada akun Zoom di pool (zoom.hosts).")]
    largest = max(host.capacity for host in hosts)
    if participants > largest:
        return [Problem("participants", f"Jumlah peserta {wording.number(participants)} "
                        f"melebihi kapasitas akun Zoom terbesar ({wording.number(largest)} "
                        "peserta).")]
    return []


def preferred_problem(index: BusyLookup, hosts: Sequence[Host], start: datetime, end: datetime,
                       participants: int, rules: Rules, exclude: Set[str],
                       preferred: str) -> Problem | None:
    """Why the staff's chosen host cannot hold [start, end) (unknown, too small, a Basic
    account for a long meeting, unusable, busy), so the form can show it on the host field."""
    host = next((h for h in hosts if host_key(h.user) == host_key(preferred)), None)
    if host is None:
        return Problem("host", f"Akun {preferred} tidak ada di pool.")
    hint = " Pilih akun lain atau biarkan dipilih otomatis."
    if host.capacity < participants:
        return Problem("host", f"Kapasitas {host.label} hanya {wording.number(host.capacity)} "
                       f"peserta.{hint}")
    if not eligible_hosts([host], participants, end - start, rules):
        return Problem("host", f"{host.label} akun Basic, hanya untuk rapat paling lama "
                       f"{wording.duration(rules.basic_max)}.{hint}")
    if not eligible_hosts([host], participants, end - start, rules, exclude):
        return Problem("host", f"{host.label} sedang tidak dapat dipakai (mis. batas harian API "
                       f"Zoom tercapai).{hint}")
    if not host_is_free(index, host, start, end, rules):
        return Problem("host", f"{host.label} sudah terpakai pada jam tersebut (termasuk jeda "
                       f"{wording.duration(rules.buffer_before)} sebelum dan "
                       f"{wording.duration(rules.buffer_after)} sesudah).{hint}")
    return None


def _full_message(reason: FullReason, hosts: Sequence[Host], start: datetime, end: datetime,
                  participants: int, rules: Rules) -> str:
    when = wording.local_span(rules.local(start), rules.local(end), rules.zone_label)
    if reason == "all_busy":
        return f"Semua akun Zoom yang memenuhi syarat sudah terpakai pada {when}."
    message = (f"Tidak ada akun Zoom yang dapat dipakai untuk {wording.number(participants)} "
               f"peserta selama {wording.duration(end - start)}")
    fits = [host for host in hosts if host.capacity >= participants]
    if fits and all(not host.licensed for host in fits) and end - start > rules.basic_max:
        message += (f": akun yang cukup kapasitasnya hanya akun Basic (paling lama "
                    f"{wording.duration(rules.basic_max)})")
    return message + "."


def validate_request(hosts: Sequence[Host], start: datetime, end: datetime, participants: int,
                     now: datetime, rules: Rules, override_holiday: bool = False
                     ) -> list[Problem]:
    """Everything wrong with a request before any calendar is looked at; empty when valid.
    ``override_holiday``: a holiday or a break is allowed (staff gave a reason)."""
    return (validate_window(start, end, now, rules, override_holiday)
            + _participant_problems(hosts, participants))


def check(index: BusyLookup, hosts: Sequence[Host], start: datetime, end: datetime,
          participants: int, now: datetime, rules: Rules, exclude: Set[str] = frozenset(),
          preferred: str | None = None, override_holiday: bool = False) -> Availability:
    """Check the pool for [start, end); raise CalendarRejected when the request is invalid."""
    problems = validate_request(hosts, start, end, participants, now, rules, override_holiday)
    if problems:
        raise CalendarRejected(problems)
    if preferred is not None:
        refused = preferred_problem(index, hosts, start, end, participants, rules, exclude,
                                     preferred)
        if refused is not None:
            # A refused override is an input error on the host field, not a full calendar:
            # other hosts may well be free, and the staff should decide, not the service.
            raise CalendarRejected([refused])
    host = choose_host(index, hosts, start, end, participants, rules, exclude, preferred)
    if host is not None:
        return Availability("available", host, None, ())
    eligible = eligible_hosts(hosts, participants, end - start, rules, exclude)
    reason: FullReason = "all_busy" if eligible else "no_eligible_host"
    # Without an eligible host no other time helps either: the duration and size stay the same.
    alternatives = (find_alternatives(index, hosts, start, end, participants, now, rules, exclude)
                    if eligible else [])
    return Availability("full", None, reason, tuple(alternatives),
                        _full_message(reason, hosts, start, end, participants, rules))

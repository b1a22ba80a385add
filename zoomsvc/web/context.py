"""What every page shares: the service objects, Jinja filters in Indonesian, the signed-in user."""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from typing import Any, cast
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g

from zoomsvc import formatting
from zoomsvc.services import Services
from zoomsvc.workflow import STATE_LABELS, State

FLAG_LABELS = {"gone_outside": "Rapat dihapus di luar layanan",
               "changed_outside": "Rapat diubah di luar layanan",
               "clash": "Bentrok jadwal akun Zoom", "marker_unknown": "Rapat bertanda tak dikenal",
               "intent_released": "Pemesanan slot dilepas",
               "ownership_conflict": "Kepemilikan rapat Zoom diragukan"}
ROLE_LABELS = {"staf": "Staf", "subkoordinator": "Sub Koordinator", "kabid": "Kabid",
               "kadis": "Kadis", "opd": "OPD", "admin": "Admin", "system": "Sistem"}


def services() -> Services:
    """The service objects of the running application."""
    return cast(Services, current_app.extensions["zoomsvc"])


def agency_zone() -> ZoneInfo:
    """The agency's time zone."""
    return ZoneInfo(services().config.agency.timezone)


# Babel takes tens of microseconds per date or time and a list page shows a hundred of them; the
# text depends only on the local wall-clock values, so it is kept (bounded).
@lru_cache(maxsize=8192)
def _day_date(day: date) -> str:
    return formatting.day_date(day)


@lru_cache(maxsize=2048)
def _clock(moment: time) -> str:
    return formatting.clock(moment)


@lru_cache(maxsize=8192)
def _span(start: datetime, end: datetime | None, label: str) -> str:
    return formatting.time_span(start, end, None, label)  # both naive, local


def _wall(moment: datetime, zone: ZoneInfo) -> datetime:
    """The local wall-clock time of an aware moment (naive)."""
    return moment.astimezone(zone).replace(tzinfo=None)


def install_template_helpers(app: Flask) -> None:
    """Register the filters and globals the templates use."""
    def local(moment: datetime | None, pattern: str = "day_date") -> str:
        if moment is None:
            return "–"
        wall = _wall(moment, agency_zone())
        label = services().config.agency.zone_label
        if pattern == "clock":
            return _clock(wall.time())
        if pattern == "stamp":
            return f"{_day_date(wall.date())} {_clock(wall.time())} {label}"
        return _day_date(wall.date())

    def span(start: datetime, end: datetime | None) -> str:
        zone = agency_zone()
        return _span(_wall(start, zone), _wall(end, zone) if end else None,
                     services().config.agency.zone_label)

    def state_label(state: str) -> str:
        try:
            return STATE_LABELS[State(state)]
        except ValueError:
            return state

    app.jinja_env.filters.update(
        local=local, span=span, state_label=state_label,
        meeting_id=lambda value: formatting.meeting_id(value) if value else "–",
        role_label=lambda role: ROLE_LABELS.get(str(role), str(role)),
        number=formatting.number,
        day_label=formatting.day_date,
        long_date=formatting.long_date,
        flag_label=lambda kind: FLAG_LABELS.get(str(kind), str(kind)),
    )

    @app.context_processor
    def shared() -> dict[str, Any]:
        config = services().config
        return {"user": g.get("user"), "agency": config.agency,
                "zone_label": config.agency.zone_label}

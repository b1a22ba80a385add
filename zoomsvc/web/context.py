"""What every page shares: the service objects, Jinja filters in Indonesian, the signed-in user."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g

from zoomsvc import formatting
from zoomsvc.services import Services
from zoomsvc.workflow import STATE_LABELS, State

ROLE_LABELS = {"staf": "Staf", "subkoordinator": "Sub Koordinator", "kabid": "Kabid",
               "kadis": "Kadis", "opd": "OPD", "admin": "Admin", "system": "Sistem"}


def services() -> Services:
    """The service objects of the running application."""
    return cast(Services, current_app.extensions["zoomsvc"])


def agency_zone() -> ZoneInfo:
    """The agency's time zone."""
    return ZoneInfo(services().config.agency.timezone)


def install_template_helpers(app: Flask) -> None:
    """Register the filters and globals the templates use."""
    def local(moment: datetime | None, pattern: str = "day_date") -> str:
        if moment is None:
            return "–"
        zone = agency_zone()
        label = services().config.agency.zone_label
        if pattern == "clock":
            return formatting.clock(moment, zone)
        if pattern == "stamp":
            return (f"{formatting.day_date(moment, zone)} "
                    f"{formatting.clock(moment, zone)} {label}")
        return formatting.day_date(moment, zone)

    def span(start: datetime, end: datetime | None) -> str:
        return formatting.time_span(start, end, agency_zone(), services().config.agency.zone_label)

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
    )

    @app.context_processor
    def shared() -> dict[str, Any]:
        config = services().config
        return {"user": g.get("user"), "agency": config.agency,
                "zone_label": config.agency.zone_label}

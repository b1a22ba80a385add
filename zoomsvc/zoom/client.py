"""The Zoom operations the service uses, on top of the one transport (:mod:`.transport`)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import datetime
from typing import Any
from urllib.parse import quote

import requests

from zoomsvc.config.model import ZoomSettings
from zoomsvc.zoom.errors import ZoomNotFound, ZoomValidationError
from zoomsvc.zoom.models import NewMeeting, ZoomMeeting, ZoomUser, format_zoom_time
from zoomsvc.zoom.passcodes import generate_passcode
from zoomsvc.zoom.transport import Call, Transport

PAGE_SIZE = 300
SCHEDULED = 2


class ZoomClient:
    """Meetings and users of one Zoom account; safe to share between threads."""

    def __init__(
        self,
        settings: ZoomSettings,
        *,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.transport = Transport(settings, session=session, clock=clock, sleep=sleep, rng=rng)

    @property
    def token_requests(self) -> int:
        """How many access tokens this client has asked Zoom for."""
        return self.transport.tokens.requests

    def meeting_body(self, meeting: NewMeeting, passcode: str) -> dict[str, Any]:
        """The JSON body of a create: type 2, UTC ``start_time`` with ``Z``, zone from config."""
        return {
            "topic": meeting.topic,
            "type": SCHEDULED,
            "start_time": format_zoom_time(meeting.start),
            "duration": meeting.duration_minutes,
            "timezone": self.settings.timezone,
            "agenda": meeting.agenda,
            "password": passcode,
            "settings": asdict(self.settings.settings),
        }

    def create_meeting(self, host: str, meeting: NewMeeting, passcode: str | None = None
                       ) -> ZoomMeeting:
        """Schedule a meeting for ``host`` (user id or e-mail); never repeated on doubt.

        Raises :class:`ZoomOutcomeUnknown` when the meeting may or may not exist: the caller
        must look for it (by its marker) before creating again.
        """
        body = self.meeting_body(meeting, passcode or generate_passcode(self.settings.passcode))
        reply = self.transport.send(Call("POST", f"/users/{_segment(host)}/meetings", "medium",
                                         body=body, host=host, creates=True))
        return ZoomMeeting.from_api(reply.data)

    def get_meeting(self, meeting_id: int) -> ZoomMeeting:
        """The meeting as Zoom has it now; :class:`ZoomNotFound` when it is gone."""
        reply = self.transport.send(Call("GET", f"/meetings/{int(meeting_id)}", "light"))
        return ZoomMeeting.from_api(reply.data)

    def start_url(self, meeting_id: int) -> str:
        """A fresh host start URL (valid about two hours); never store or log it."""
        reply = self.transport.send(Call("GET", f"/meetings/{int(meeting_id)}", "light"))
        value = reply.data.get("start_url")
        return value if isinstance(value, str) else ""

    def update_meeting(
        self,
        meeting_id: int,
        *,
        topic: str | None = None,
        start: datetime | None = None,
        duration_minutes: int | None = None,
        agenda: str | None = None,
        host: str = "",
    ) -> None:
        """Change a meeting's topic, time or agenda (counts towards the host's daily limit)."""
        body: dict[str, Any] = {}
        if topic is not None:
            body["topic"] = topic
        if start is not None:
            body["start_time"] = format_zoom_time(start)
            body["timezone"] = self.settings.timezone
        if duration_minutes is not None:
            body["duration"] = duration_minutes
        if agenda is not None:
            body["agenda"] = agenda
        if not body:
            raise ValueError("nothing to update")
        self.transport.send(Call("PATCH", f"/meetings/{int(meeting_id)}", "light", body=body,
                                 host=host))

    def delete_meeting(self, meeting_id: int, *, missing_ok: bool = False) -> bool:
        """Delete a meeting without e-mailing anyone; False when it was already gone."""
        params = {"schedule_for_reminder": "false", "cancel_meeting_reminder": "false"}
        try:
            self.transport.send(Call("DELETE", f"/meetings/{int(meeting_id)}", "light",
                                     params=params))
        except ZoomNotFound:
            if missing_ok:
                return False
            raise
        return True

    def end_meeting(self, meeting_id: int) -> None:
        """End a running meeting (Zoom may refuse to delete one that runs)."""
        self.transport.send(Call("PUT", f"/meetings/{int(meeting_id)}/status", "light",
                                 body={"action": "end"}))

    def list_upcoming(self, host: str) -> list[ZoomMeeting]:
        """Every upcoming scheduled meeting of ``host``, across all pages."""
        return [ZoomMeeting.from_api(item) for item in
                self._pages(f"/users/{_segment(host)}/meetings", "meetings", {"type": "upcoming"})]

    def list_users(self) -> list[ZoomUser]:
        """Every active user of the account (type 1 Basic, 2 Licensed), to audit the pool."""
        return [ZoomUser.from_api(item) for item in
                self._pages("/users", "users", {"status": "active"})]

    def _pages(self, path: str, key: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Follow ``next_page_token``; a page token expires after 15 minutes, so an expired
        one restarts the listing once rather than failing."""
        restarted = False
        while True:
            items: list[dict[str, Any]] = []
            token = ""
            try:
                while True:
                    query = {**params, "page_size": PAGE_SIZE}
                    if token:
                        query["next_page_token"] = token
                    data = self.transport.send(Call("GET", path, "medium", params=query)).data
                    page = data.get(key)
                    if isinstance(page, list):  # lenient: a missing or null list is empty
                        items.extend(i for i in page if isinstance(i, dict))
                    token = str(data.get("next_page_token") or "")
                    if not token:
                        break
            except ZoomValidationError:
                if not token or restarted:
                    raise
                restarted = True
                continue
            yield from items
            return


def _segment(value: str) -> str:
    """A user id or e-mail as one URL path segment."""
    return quote(value, safe="@.")

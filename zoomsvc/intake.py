"""An approved request in, a meeting (or alternatives) and a draft letter out: SOP steps 4–7
as one call, shared by the command line, the web form and the JSON API."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from zoomsvc.calendar import Problem, validate_window
from zoomsvc.crashpoints import crash_point
from zoomsvc.letters.assemble import OfficialDataMissing
from zoomsvc.letters.render import TemplateCheckError
from zoomsvc.letters.service import LetterRefused, LetterService
from zoomsvc.provisioning import Provisioner, ProvisioningFailed, ProvisionResult
from zoomsvc.store import records as rec
from zoomsvc.workflow import Role, State

log = logging.getLogger("zoomsvc.intake")


@dataclass(frozen=True)
class DraftOutcome:
    """The draft letter made after provisioning, or why it could not be made."""

    number: str | None
    path: Path | None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The ``letter`` object of the provision output."""
        if self.error:
            return {"number": None, "path": None, "error": self.error}
        return {"number": self.number, "path": str(self.path)}


class Intake:
    """Provision a request, then draft its Surat Tanggapan."""

    def __init__(self, provisioner: Provisioner, letters: LetterService) -> None:
        self.provisioner = provisioner
        self.letters = letters

    def submit(self, data: object, *, actor: str, role: Role = Role.STAF,
               preferred_host: str | None = None, override_holiday: str | None = None,
               scan: bytes | None = None) -> tuple[ProvisionResult, DraftOutcome | None]:
        """Provision (raising what :meth:`Provisioner.submit` raises) and draft the letter;
        ``scan`` (the request letter as a checked PDF) is attached to a stored request.

        A letter that cannot be drafted does not undo the meeting: the error is reported and
        ``zoomsvc letter render`` can try again once the template or configuration is fixed.
        """
        try:
            result = self.provisioner.submit(data, actor=actor, role=role,
                                             preferred_host=preferred_host,
                                             override_holiday=override_holiday)
        except ProvisioningFailed as exc:
            # Stored but not yet provisioned (Zoom failed): the scan belongs to it already.
            if scan is not None:
                self.attach_scan(exc.code, scan)
            raise
        if scan is not None:
            self.attach_scan(result.code, scan)
        crash_point("after_commit")
        draft = self.draft_if_due(result.code, result.state, actor=actor, role=role)
        if draft is not None and draft.error is None:
            now = self.provisioner.status(result.code)
            result = dataclasses.replace(result, state=now.state)
        return result, draft

    def time_problems(self, start: datetime, end: datetime, override_holiday: bool
                      ) -> list[Problem]:
        """What is wrong with a meeting's local wall-clock window (past, order, length, service
        hours, holidays), so a form can show it with its other errors in one pass."""
        zone = self.provisioner.zone
        return validate_window(start.replace(tzinfo=zone), end.replace(tzinfo=zone),
                               self.provisioner.clock(), self.provisioner.rules,
                               override_holiday)

    def attach_scan(self, code: str, content: bytes) -> None:
        """Keep the scanned request letter (by its hash) and link it to the request."""
        digest = self.letters.files.put(content)
        with self.provisioner.db.serialized_write() as session:  # a write: take the writer lock
            rec.attach_scan(session, code, digest)

    def use_alternative(self, code: str, index: int, *, actor: str, role: Role
                        ) -> tuple[ProvisionResult, DraftOutcome | None]:
        """The agency took a proposed slot: provision there and draft the new letter."""
        result = self.provisioner.use_alternative(code, index, actor=actor, role=role)
        draft = self.draft_if_due(result.code, result.state, actor=actor, role=role)
        if draft is not None and draft.error is None:
            result = dataclasses.replace(result, state=self.provisioner.status(code).state)
        return result, draft

    def recreate(self, code: str, *, actor: str, role: Role
                 ) -> tuple[ProvisionResult, DraftOutcome | None]:
        """Make again a meeting deleted in Zoom outside the service, and draft the letter
        again (for the new meeting, or the "penuh" letter when the slot is taken)."""
        result = self.provisioner.recreate(code, actor=actor, role=role)
        draft = self.draft_if_due(code, result.state, actor=actor, role=role)
        if draft is not None and draft.error is None:
            result = dataclasses.replace(result, state=self.provisioner.status(code).state)
        return result, draft

    def draft_if_due(self, code: str, state: str, *, actor: str, role: Role
                     ) -> DraftOutcome | None:
        """Draft the letter when the request has just been scheduled or found full."""
        if state not in (State.SCHEDULED, State.FULL, State.DRAFT_READY):
            return None
        try:
            if state == State.DRAFT_READY:
                # Made before; its file may still be missing if a run stopped after minting.
                letter = self.letters.render_draft(code) or self.letters.current(code)
            else:
                letter = self.letters.draft(code, actor=actor, role=role)
        except (LetterRefused, OfficialDataMissing, TemplateCheckError, OSError) as exc:
            log.error("request %s: draft letter not made: %s", code, exc)
            return DraftOutcome(None, None, str(exc))
        if letter is None:
            return None
        return DraftOutcome(letter.number, self.letters.draft_path(code))

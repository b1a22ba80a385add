"""What waits for whom: the rows of each role's "Tugas saya" inbox, and the sub-states that tell
a returned draft and a "penuh" draft from a fresh one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zoomsvc.store import lifecycle_records
from zoomsvc.store.models import AuditEvent, ChangeRequest, Request
from zoomsvc.workflow import STATE_LABELS, Role, State

RETURNED = "Dikembalikan Kabid"
AWAITING_CHOICE = "Penuh — menunggu pilihan OPD"
LIMIT = 100


@dataclass(frozen=True)
class Task:
    """One request in an inbox: why it is there (the group) and its badge."""

    code: str
    topic: str
    agency: str
    request: Request
    badge: str
    detail: str = ""


def returned_codes(session: Session, requests: Iterable[Request]) -> set[str]:
    """Which of these draft-ready requests were returned by the Kabid (or Kadis) and not
    re-rendered since: their newest event is the return."""
    ids = {r.id: r.code for r in requests if r.state == State.DRAFT_READY}
    if not ids:
        return set()
    newest = (select(AuditEvent.request_id, func.max(AuditEvent.seq).label("seq"))
              .where(AuditEvent.request_id.in_(ids)).group_by(AuditEvent.request_id)
              .subquery())
    rows = session.execute(select(AuditEvent.request_id, AuditEvent.note, AuditEvent.role)
                           .join(newest, (AuditEvent.request_id == newest.c.request_id)
                                 & (AuditEvent.seq == newest.c.seq)))
    return {ids[rid] for rid, note, role in rows
            if role in (Role.KABID, Role.KADIS) and note.startswith("dikembalikan")}


def badge(request: Request, returned: bool) -> str:
    """The label of a request's state, telling the sub-states of a draft apart."""
    if returned:
        return RETURNED
    if request.full_reason and request.alternatives_json and request.state in (
            State.FULL, State.DRAFT_READY):
        return AWAITING_CHOICE
    try:
        return STATE_LABELS[State(request.state)]
    except ValueError:
        return request.state


def _in_states(session: Session, states: Iterable[State], agency: str | None = None
               ) -> list[Request]:
    query = select(Request).where(Request.state.in_([s.value for s in states]))
    if agency is not None:
        query = query.where(Request.agency == agency)
    return list(session.scalars(query.order_by(Request.start_at).limit(LIMIT)))


def _tasks(session: Session, rows: list[Request], detail: str = "") -> list[Task]:
    back = returned_codes(session, rows)
    return [Task(r.code, r.topic, r.agency, r, badge(r, r.code in back), detail) for r in rows]


def staff_inbox(session: Session) -> dict[str, list[Task]]:
    """Staf and Sub Koordinator: provisioning to run or retry, drafts to make or re-render,
    letters to send, meetings gone outside, and the agencies' asks."""
    drafts = _in_states(session, [State.DRAFT_READY])
    back = returned_codes(session, drafts)
    asks = session.execute(select(ChangeRequest, Request)
                           .join(Request, ChangeRequest.request_id == Request.id)
                           .where(ChangeRequest.resolved_at.is_(None))
                           .order_by(ChangeRequest.created_at).limit(LIMIT)).all()
    gone = [f for f in lifecycle_records.open_attention(session) if f.kind == "gone_outside"
            and f.request_code]
    gone_rows = [session.scalars(select(Request).where(Request.code == f.request_code)).one()
                 for f in gone]
    return {
        "Permintaan OPD": [Task(r.code, r.topic, r.agency, r, badge(r, False),
                                ("Perubahan jadwal: " if a.kind == "ubah" else "Pembatalan: ")
                                + a.note) for a, r in asks],
        "Perlu diproses atau diulang": _tasks(session, _in_states(
            session, [State.APPROVED, State.SCHEDULING])),
        "Perlu disusun suratnya": _tasks(session, _in_states(session, [State.SCHEDULED])),
        "Dikembalikan Kabid — perbaiki lalu susun ulang": [
            Task(r.code, r.topic, r.agency, r, RETURNED) for r in drafts if r.code in back],
        "Siap dikirim ke OPD": _tasks(session, _in_states(session, [State.SIGNED])),
        "Rapat dihapus di luar layanan": _tasks(session, gone_rows),
    }


def kabid_inbox(session: Session) -> dict[str, list[Task]]:
    """Kabid: drafts waiting for the paraf (a returned one waits for staff, not for him)."""
    drafts = _in_states(session, [State.DRAFT_READY])
    back = returned_codes(session, drafts)
    return {"Menunggu paraf": _tasks(session, [r for r in drafts if r.code not in back])}


def kadis_inbox(session: Session) -> dict[str, list[Task]]:
    """Kadis: letters approved by the Kabid, waiting for the signature."""
    return {"Menunggu tanda tangan": _tasks(session, _in_states(session, [State.REVIEWED]))}


def opd_inbox(session: Session, agency: str) -> dict[str, list[Task]]:
    """An agency: letters to download, and full requests whose alternatives wait for a choice
    (never internal detail: only its own requests, with the agency-facing labels)."""
    full = [r for r in _in_states(session, [State.FULL, State.DRAFT_READY], agency)
            if r.full_reason and r.alternatives_json]
    return {
        "Surat siap diunduh": _tasks(session, _in_states(session, [State.SENT], agency)),
        "Pilih waktu alternatif": [Task(r.code, r.topic, r.agency, r, AWAITING_CHOICE)
                                   for r in full],
    }


def inbox_for(session: Session, role: Role, agency: str | None) -> dict[str, list[Task]]:
    """The inbox of a role (admin sees the staff's)."""
    if role == Role.OPD:
        return opd_inbox(session, agency or "")
    if role == Role.KABID:
        return kabid_inbox(session)
    if role == Role.KADIS:
        return kadis_inbox(session)
    return staff_inbox(session)

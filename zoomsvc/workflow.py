"""The SOP "Layanan Video Conference (Zoom Meeting)" as a state machine: states, who may move a
request from one state to the next, and the Mutu Baku (service level) of each step.

Pure data and functions: the store records transitions, this module only says which are allowed.
The steps and their time limits follow the SOP as docs/sop-mapping.md maps it (steps 4–10).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum


class State(StrEnum):
    """Where a request stands in the SOP."""

    APPROVED = "approved"
    SCHEDULING = "scheduling"
    FULL = "full"
    SCHEDULED = "scheduled"
    DRAFT_READY = "draft_ready"
    REVIEWED = "reviewed"
    SIGNED = "signed"
    SENT = "sent"
    RECEIVED = "received"
    DONE = "done"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class Role(StrEnum):
    """Who acts: the SOP's officials, the agency, an administrator, or the service itself."""

    STAF = "staf"
    SUBKOORDINATOR = "subkoordinator"
    KABID = "kabid"
    KADIS = "kadis"
    OPD = "opd"
    ADMIN = "admin"
    SYSTEM = "system"


STATE_LABELS = {
    State.APPROVED: "Disetujui",
    State.SCHEDULING: "Pengecekan jadwal",
    State.FULL: "Jadwal penuh",
    State.SCHEDULED: "Rapat dibuat",
    State.DRAFT_READY: "Draf surat siap",
    State.REVIEWED: "Diparaf Kabid",
    State.SIGNED: "Ditandatangani Kadis",
    State.SENT: "Terkirim",
    State.RECEIVED: "Diterima OPD",
    State.DONE: "Selesai",
    State.CANCELLED: "Dibatalkan",
    State.EXPIRED: "Kedaluwarsa",
}

OPEN_STATES = frozenset({State.APPROVED, State.SCHEDULING, State.SCHEDULED, State.DRAFT_READY,
                         State.REVIEWED, State.SIGNED})
STAFF = frozenset({Role.STAF, Role.SUBKOORDINATOR, Role.SYSTEM})


@dataclass(frozen=True)
class Step:
    """One allowed transition: its SOP step, who may make it, its Mutu Baku (None: any time)."""

    sop_step: str
    roles: frozenset[Role]
    sla: timedelta | None = None


_CANCEL = Step("pembatalan", frozenset({Role.STAF, Role.SUBKOORDINATOR, Role.KABID, Role.ADMIN}))
_EXPIRE = Step("kedaluwarsa", frozenset({Role.SYSTEM}))
# A new time for a request that already had a meeting or a letter: back to the calendar check.
_RESCHEDULE = Step("perubahan", frozenset({Role.STAF, Role.SUBKOORDINATOR}))
RESCHEDULABLE = frozenset({State.SCHEDULED, State.REVIEWED, State.SIGNED, State.SENT,
                           State.RECEIVED})

TRANSITIONS: dict[tuple[State, State], Step] = {
    (State.APPROVED, State.SCHEDULING): Step("4", STAFF),
    (State.SCHEDULING, State.SCHEDULED): Step("5", STAFF, timedelta(minutes=15)),
    (State.SCHEDULING, State.FULL): Step("4", STAFF),
    (State.FULL, State.SCHEDULING): Step("4", STAFF),
    # The agency accepted an alternative after the "penuh" draft was made: check again.
    (State.DRAFT_READY, State.SCHEDULING): Step("4", STAFF),
    # The meeting was deleted in Zoom outside the service before the letter was signed: staff
    # make it again, and the letter is drafted again for Kabid's paraf.
    (State.REVIEWED, State.SCHEDULING): Step("4", STAFF),
    (State.SCHEDULED, State.DRAFT_READY): Step("6–7", STAFF),
    (State.FULL, State.DRAFT_READY): Step("6–7", STAFF),
    (State.DRAFT_READY, State.REVIEWED): Step("8", frozenset({Role.KABID}), timedelta(days=1)),
    (State.REVIEWED, State.DRAFT_READY): Step("8", frozenset({Role.KABID, Role.KADIS})),
    (State.DRAFT_READY, State.DRAFT_READY): Step("7", STAFF | {Role.KABID}),
    (State.REVIEWED, State.SIGNED): Step("9", frozenset({Role.KADIS})),
    (State.SIGNED, State.SENT): Step("9", frozenset({Role.KADIS, Role.STAF, Role.SUBKOORDINATOR,
                                                     Role.SYSTEM})),
    (State.SENT, State.RECEIVED): Step("10", frozenset({Role.OPD, Role.STAF, Role.SYSTEM})),
    (State.SENT, State.DONE): Step("selesai", frozenset({Role.SYSTEM})),
    (State.RECEIVED, State.DONE): Step("selesai", frozenset({Role.SYSTEM})),
    **{(state, State.CANCELLED): _CANCEL for state in OPEN_STATES | {State.FULL, State.SENT,
                                                                     State.RECEIVED}},
    **{(state, State.SCHEDULING): _RESCHEDULE for state in RESCHEDULABLE},
    **{(state, State.EXPIRED): _EXPIRE for state in OPEN_STATES | {State.FULL}},
}


class TransitionRefused(Exception):
    """The move is not in the SOP, or not for this role."""

    def __init__(self, source: State, target: State, role: Role, reason: str) -> None:
        super().__init__(reason)
        self.source, self.target, self.role = source, target, role


def step_for(source: State, target: State, role: Role) -> Step:
    """The SOP step that moves ``source`` to ``target``, if ``role`` may make it."""
    step = TRANSITIONS.get((source, target))
    if step is None:
        raise TransitionRefused(source, target, role, f"perpindahan dari "
                                f"'{STATE_LABELS[source]}' ke '{STATE_LABELS[target]}' tidak ada "
                                "dalam SOP")
    if role not in step.roles:
        raise TransitionRefused(source, target, role, f"peran '{role}' tidak berwenang untuk "
                                f"langkah {step.sop_step} ({STATE_LABELS[target]})")
    return step


def allowed_targets(source: State, role: Role) -> list[State]:
    """The states ``role`` may move a request to from ``source`` (to show only those actions)."""
    return [target for (start, target), step in TRANSITIONS.items()
            if start == source and role in step.roles]


def sla_of_state(state: State) -> tuple[str, timedelta] | None:
    """The Mutu Baku that runs while a request waits in ``state`` (SOP step and limit)."""
    limits = [(step.sop_step, step.sla) for (source, _), step in TRANSITIONS.items()
              if source == state and step.sla is not None]
    return min(limits, key=lambda item: item[1]) if limits else None


def within_sla(step: Step, elapsed: timedelta) -> bool | None:
    """Whether a step took no longer than its Mutu Baku; None when the SOP sets none."""
    return None if step.sla is None else elapsed <= step.sla


GENESIS_HASH = "0" * 64


# How an event's hash was made (``audit_events.chain``).
CHAIN_PLAIN = 1  # SHA-256: the events written before migration 0007
CHAIN_KEYED = 2  # HMAC-SHA256 under the audit key, which is not in the database


def _link(previous: str, event: Mapping[str, object]) -> bytes:
    canonical = json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                           default=str)
    return f"{previous}\n{canonical}".encode()


def chain_hash(previous: str, event: Mapping[str, object]) -> str:
    """The old, unkeyed audit chain link: SHA-256 over the previous hash and the event's
    canonical JSON. Anyone who can write the table can recompute it; kept to verify the
    events written before the chain was keyed."""
    return hashlib.sha256(_link(previous, event)).hexdigest()


def keyed_chain_hash(key: str, previous: str, event: Mapping[str, object]) -> str:
    """The audit chain link: HMAC-SHA256 under ``key`` over the previous hash and the event's
    canonical JSON.

    Changing, inserting or deleting any earlier event changes every later hash, and without
    the key nobody can compute the new ones, so ``zoomsvc audit verify`` can tell the trail was
    touched even when the hashes were recomputed.
    """
    return hmac.new(key.encode(), _link(previous, event), hashlib.sha256).hexdigest()

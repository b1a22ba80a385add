"""The SOP as a state machine (``zoomsvc.workflow``): who may move a request where, the Mutu Baku,
and the audit chain hash."""

from __future__ import annotations

from datetime import timedelta

import pytest

from zoomsvc.workflow import (
    GENESIS_HASH,
    STATE_LABELS,
    TRANSITIONS,
    Role,
    State,
    Step,
    TransitionRefused,
    allowed_targets,
    chain_hash,
    step_for,
    within_sla,
)

EVENT: dict[str, object] = {
    "seq": 3, "request_id": 1, "at": "2026-11-23T00:10:00+00:00", "actor": "rina",
    "role": "staf", "from": "scheduling", "to": "scheduled", "note": "rapat Zoom 81234567890",
    "sop_step": "5", "elapsed_seconds": 600, "sla_seconds": 900,
}


@pytest.mark.parametrize(("source", "target", "role", "sop_step"), [
    (State.APPROVED, State.SCHEDULING, Role.STAF, "4"),
    (State.SCHEDULING, State.SCHEDULED, Role.STAF, "5"),
    (State.SCHEDULING, State.FULL, Role.SUBKOORDINATOR, "4"),
    (State.SCHEDULED, State.DRAFT_READY, Role.SYSTEM, "6–7"),
    (State.DRAFT_READY, State.REVIEWED, Role.KABID, "8"),
    (State.REVIEWED, State.DRAFT_READY, Role.KABID, "8"),
    (State.REVIEWED, State.DRAFT_READY, Role.KADIS, "8"),
    (State.REVIEWED, State.SIGNED, Role.KADIS, "9"),
    (State.SIGNED, State.SENT, Role.KADIS, "9"),
    (State.SENT, State.RECEIVED, Role.OPD, "10"),
    (State.RECEIVED, State.DONE, Role.SYSTEM, "selesai"),
    (State.SCHEDULED, State.CANCELLED, Role.KABID, "pembatalan"),
    (State.FULL, State.EXPIRED, Role.SYSTEM, "kedaluwarsa"),
])
def test_the_sop_lets_the_right_role_take_each_step(source: State, target: State, role: Role,
                                                    sop_step: str) -> None:
    assert step_for(source, target, role).sop_step == sop_step


@pytest.mark.parametrize(("source", "target", "role"), [
    (State.DRAFT_READY, State.REVIEWED, Role.STAF),
    (State.DRAFT_READY, State.REVIEWED, Role.SUBKOORDINATOR),
    (State.DRAFT_READY, State.REVIEWED, Role.KADIS),
    (State.REVIEWED, State.SIGNED, Role.KABID),
    (State.REVIEWED, State.SIGNED, Role.STAF),
    (State.SCHEDULING, State.SCHEDULED, Role.OPD),
    (State.SCHEDULING, State.SCHEDULED, Role.KADIS),
    (State.SENT, State.DONE, Role.STAF),
    (State.SCHEDULED, State.EXPIRED, Role.ADMIN),
    (State.SCHEDULED, State.CANCELLED, Role.OPD),
])
def test_a_role_that_is_not_named_for_a_step_is_refused(source: State, target: State,
                                                        role: Role) -> None:
    with pytest.raises(TransitionRefused) as caught:
        step_for(source, target, role)
    assert caught.value.role == role
    assert str(role) in str(caught.value)


@pytest.mark.parametrize("role", list(Role))
def test_nobody_jumps_from_approved_straight_to_signed(role: Role) -> None:
    with pytest.raises(TransitionRefused) as caught:
        step_for(State.APPROVED, State.SIGNED, role)
    assert "tidak ada dalam SOP" in str(caught.value)
    assert (caught.value.source, caught.value.target) == (State.APPROVED, State.SIGNED)


@pytest.mark.parametrize(("source", "target"), [
    (State.SCHEDULED, State.SIGNED),
    (State.DRAFT_READY, State.SENT),
    (State.SIGNED, State.REVIEWED),
    (State.DONE, State.SCHEDULING),
    (State.CANCELLED, State.SCHEDULED),
    (State.EXPIRED, State.APPROVED),
])
def test_moves_outside_the_sop_are_refused_even_to_the_system(source: State,
                                                              target: State) -> None:
    with pytest.raises(TransitionRefused):
        step_for(source, target, Role.SYSTEM)


@pytest.mark.parametrize("final", [State.DONE, State.CANCELLED, State.EXPIRED])
def test_a_closed_request_goes_nowhere(final: State) -> None:
    assert all(allowed_targets(final, role) == [] for role in Role)


def test_allowed_targets_show_the_kabid_only_the_kabid_actions_on_a_draft() -> None:
    assert set(allowed_targets(State.DRAFT_READY, Role.KABID)) == {
        State.REVIEWED, State.DRAFT_READY, State.CANCELLED}
    assert State.REVIEWED not in allowed_targets(State.DRAFT_READY, Role.STAF)


def test_allowed_targets_show_the_kadis_signing_or_returning_a_reviewed_draft() -> None:
    assert set(allowed_targets(State.REVIEWED, Role.KADIS)) == {State.SIGNED, State.DRAFT_READY}


def test_allowed_targets_show_staff_the_scheduling_outcomes() -> None:
    assert set(allowed_targets(State.SCHEDULING, Role.STAF)) == {
        State.SCHEDULED, State.FULL, State.CANCELLED}


def test_allowed_targets_agree_with_step_for_everywhere() -> None:
    for source in State:
        for role in Role:
            for target in State:
                permitted = target in allowed_targets(source, role)
                try:
                    step_for(source, target, role)
                except TransitionRefused:
                    assert not permitted, (source, target, role)
                else:
                    assert permitted, (source, target, role)


def test_every_state_has_an_indonesian_label_used_in_refusals() -> None:
    assert set(STATE_LABELS) == set(State)
    with pytest.raises(TransitionRefused) as caught:
        step_for(State.APPROVED, State.SIGNED, Role.KADIS)
    assert STATE_LABELS[State.APPROVED] in str(caught.value)
    assert STATE_LABELS[State.SIGNED] in str(caught.value)


def test_creating_the_meeting_has_the_15_minute_mutu_baku() -> None:
    step = step_for(State.SCHEDULING, State.SCHEDULED, Role.STAF)
    assert step.sla == timedelta(minutes=15)
    assert within_sla(step, timedelta(minutes=15)) is True
    assert within_sla(step, timedelta(minutes=15, seconds=1)) is False
    assert within_sla(step, timedelta(0)) is True


def test_the_kabid_review_has_one_day() -> None:
    step = step_for(State.DRAFT_READY, State.REVIEWED, Role.KABID)
    assert within_sla(step, timedelta(days=1)) is True
    assert within_sla(step, timedelta(days=1, microseconds=1)) is False


def test_a_step_the_sop_leaves_untimed_has_no_verdict() -> None:
    step = step_for(State.REVIEWED, State.SIGNED, Role.KADIS)
    assert step.sla is None
    assert within_sla(step, timedelta(days=30)) is None


def test_only_the_sop_steps_with_a_mutu_baku_carry_one() -> None:
    timed = {key for key, step in TRANSITIONS.items() if step.sla is not None}
    assert timed == {(State.SCHEDULING, State.SCHEDULED), (State.DRAFT_READY, State.REVIEWED)}
    assert isinstance(TRANSITIONS[(State.SCHEDULING, State.SCHEDULED)], Step)


def test_the_chain_hash_is_stable_for_the_same_event() -> None:
    assert chain_hash(GENESIS_HASH, EVENT) == chain_hash(GENESIS_HASH, dict(EVENT))
    assert chain_hash(GENESIS_HASH, EVENT) == chain_hash(
        GENESIS_HASH, dict(reversed(list(EVENT.items()))))
    assert len(chain_hash(GENESIS_HASH, EVENT)) == 64


@pytest.mark.parametrize("field", sorted(EVENT))
def test_the_chain_hash_changes_when_any_field_changes(field: str) -> None:
    original = chain_hash(GENESIS_HASH, EVENT)
    value = EVENT[field]
    changed = value + 1 if isinstance(value, int) else f"{value}x"
    assert chain_hash(GENESIS_HASH, {**EVENT, field: changed}) != original
    assert chain_hash(GENESIS_HASH, {**EVENT, field: None}) != original


def test_the_chain_hash_changes_when_the_previous_hash_changes() -> None:
    assert chain_hash("1" * 64, EVENT) != chain_hash(GENESIS_HASH, EVENT)


def test_the_chain_hash_tells_a_number_from_its_text() -> None:
    assert chain_hash(GENESIS_HASH, {**EVENT, "request_id": "1"}) != chain_hash(GENESIS_HASH,
                                                                                 EVENT)

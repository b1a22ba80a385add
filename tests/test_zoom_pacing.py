"""Client-side pacing: evenly spaced send times per rate-limit label, a little under the limit."""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from zoom_support import FakeTime

from zoomsvc.zoom.pacing import HEADROOM, Pacer


def release_times(pacer: Pacer, fake: FakeTime, label: str, count: int) -> list[float]:
    """When each of ``count`` back-to-back callers is let through (fake time moves on sleep)."""
    times = []
    for _ in range(count):
        pacer.wait(label)
        times.append(fake.now)
    return times


def test_calls_of_one_label_are_spaced_at_ninety_five_percent_of_the_limit():
    fake = FakeTime(start=0.0)
    pacer = Pacer({"light": 30}, clock=fake.clock, sleep=fake.sleep)
    times = release_times(pacer, fake, "light", 10)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert HEADROOM == 0.95
    assert gaps == pytest.approx([1 / (30 * 0.95)] * 9)
    assert times[0] == 0.0  # the first caller does not wait


def test_a_second_of_back_to_back_calls_stays_under_the_limit():
    fake = FakeTime(start=0.0)
    pacer = Pacer({"medium": 20}, clock=fake.clock, sleep=fake.sleep)
    times = release_times(pacer, fake, "medium", 100)
    window = 1.0 - 1e-9  # any one-second window, allowing for float rounding of the slots
    in_any_second = max(sum(1 for t in times if start <= t < start + window) for start in times)
    assert in_any_second == 19  # 20 * 0.95
    assert times[-1] == pytest.approx(99 / 19)


def test_labels_are_paced_independently():
    fake = FakeTime(start=0.0)
    pacer = Pacer({"light": 30, "medium": 20}, clock=fake.clock, sleep=fake.sleep)
    release_times(pacer, fake, "light", 5)
    slept = len(fake.sleeps)
    pacer.wait("medium")
    assert len(fake.sleeps) == slept  # medium had no schedule yet: no wait
    pacer.wait("medium")
    assert fake.sleeps[-1] == pytest.approx(1 / (20 * 0.95))


def test_a_caller_arriving_after_a_quiet_spell_goes_straight_through():
    fake = FakeTime(start=0.0)
    pacer = Pacer({"light": 30}, clock=fake.clock, sleep=fake.sleep)
    pacer.wait("light")
    fake.advance(5)
    pacer.wait("light")
    assert fake.sleeps == []


def test_hold_pushes_the_schedule_back():
    fake = FakeTime(start=0.0)
    pacer = Pacer({"light": 30}, clock=fake.clock, sleep=fake.sleep)
    pacer.wait("light")
    pacer.hold("light", 2.0)
    pacer.wait("light")
    assert fake.sleeps == [pytest.approx(2.0)]
    pacer.wait("light")
    assert fake.sleeps[-1] == pytest.approx(1 / 28.5)


def test_hold_never_pulls_a_later_schedule_forward():
    fake = FakeTime(start=0.0)
    pacer = Pacer({"light": 30}, clock=fake.clock, sleep=fake.sleep)
    pacer.hold("light", 5.0)
    pacer.hold("light", 1.0)
    pacer.wait("light")
    assert fake.sleeps == [pytest.approx(5.0)]


def test_hold_on_one_label_does_not_delay_another():
    fake = FakeTime(start=0.0)
    pacer = Pacer({"light": 30, "medium": 20}, clock=fake.clock, sleep=fake.sleep)
    pacer.hold("medium", 10.0)
    pacer.wait("light")
    assert fake.sleeps == []


def test_an_unknown_label_is_not_paced():
    fake = FakeTime(start=0.0)
    pacer = Pacer({"light": 30}, clock=fake.clock, sleep=fake.sleep)
    for _ in range(5):
        pacer.wait("heavy")
    assert fake.sleeps == []


def test_threads_each_get_their_own_slot():
    frozen = FakeTime(start=0.0)
    waits: list[float] = []
    lock = threading.Lock()

    def record(seconds: float) -> None:  # time stands still: each wait is slot minus now
        with lock:
            waits.append(seconds)

    pacer = Pacer({"light": 10}, clock=frozen.clock, sleep=record, headroom=1.0)
    gate = threading.Barrier(8)

    def caller(_: int) -> None:
        gate.wait()
        pacer.wait("light")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(caller, range(8)))
    # The first caller goes at once (no sleep); the other seven are spread 0.1 s apart.
    assert sorted(waits) == pytest.approx([0.1 * i for i in range(1, 8)])

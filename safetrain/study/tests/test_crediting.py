"""Table tests of the crediting rules (pure functions, no database): a heartbeat stream → credit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from safetrain.study.crediting import (
    ACCEPTED,
    CREDITED,
    REJECTED,
    Beat,
    Device,
    Reason,
    Rules,
    State,
    apply,
    credit_stream,
    end,
    start_on_device,
)

T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
RULES = Rules(interval=30, idle_after=600, max_rate=2.0, slack=5, future_tolerance=10)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def beat(t: float, pos: float, visible: bool = True, **kw: Any) -> Beat:
    for key in ("sent_at",):
        if key in kw and not isinstance(kw[key], dt.datetime):
            kw[key] = at(kw[key])
    return Beat(at=at(t), position=pos, visible=visible, **kw)


def steady(start: float, end_: float, step: float = 30, pos0: float | None = None) -> list[Beat]:
    """Heartbeats every `step` seconds of wall time, play clock at 1×."""
    pos0 = start if pos0 is None else pos0
    return [
        beat(t, pos0 + (t - start)) for t in range(int(start) + int(step), int(end_) + 1, int(step))
    ]


def run(beats: list[Beat], **start: Any) -> tuple[State, list[Any]]:
    return credit_stream(beats, State.start(T0, **start), RULES)


# name, beats, start kwargs, expected credited seconds, expected reason per beat (or None)
CASES: list[tuple[str, list[Beat], dict[str, Any], float, list[str] | None]] = [
    ("steady play credits wall time", steady(0, 300), {}, 300, None),
    (
        "a gap longer than two intervals credits nothing for that gap",
        [beat(30, 30), beat(60, 60), beat(61 + 60, 121), beat(151, 151)],
        {},
        90,
        ["", "", "gap", ""],
    ),
    (
        "a gap of exactly two intervals (a lost heartbeat) still counts",
        [beat(30, 30), beat(90, 90), beat(120, 120)],
        {},
        120,
        ["", "", ""],
    ),
    (
        "background tab: hidden periods never count",
        [beat(30, 30), beat(60, 60, visible=False), beat(90, 90, visible=False), beat(120, 120)],
        {},
        60,
        ["", "hidden", "hidden", ""],
    ),
    (
        "speed-up at 2x credits wall time, not position",
        [beat(30, 60), beat(60, 120), beat(90, 180)],
        {},
        90,
        ["", "", ""],
    ),
    (
        "speed-up beyond the player's maximum is skipping ahead: rejected",
        [beat(30, 30), beat(60, 200), beat(90, 90)],
        {},
        90,
        ["", "position_ahead", ""],
    ),
    (
        "paused video in the foreground credits nothing",
        [beat(30, 30), beat(60, 30), beat(90, 30), beat(120, 60)],
        {},
        60,
        ["", "paused", "paused", ""],
    ),
    (
        "seeking ahead, then waiting out the gap and playing on, credits nothing beyond it",
        [beat(30, 30), beat(60, 600), beat(130, 600), beat(160, 630), beat(190, 660)],
        {"duration": 1200},
        30,
        ["", "position_ahead", "gap", "beyond_furthest", "beyond_furthest"],
    ),
    (
        "seeking back and watching again adds nothing beyond the furthest point",
        [beat(30, 30), beat(60, 60), beat(90, 10), beat(120, 40), beat(150, 70), beat(180, 100)],
        {},
        100,
        ["", "", "seek", "at_cap", "", ""],
    ),
    (
        "resume: a new session starts at the stored position and furthest point",
        [beat(30, 330), beat(60, 360)],
        {"position": 300, "furthest": 300, "credited": 300},
        360,
        ["", ""],
    ),
    (
        "resume beyond the furthest point (left after a seek ahead) credits nothing",
        [beat(30, 530), beat(60, 560)],
        {"position": 500, "furthest": 300, "credited": 300},
        300,
        ["beyond_furthest", "beyond_furthest"],
    ),
    (
        "the lesson's duration caps the credit",
        [beat(30, 30), beat(60, 60), beat(90, 62)],
        {"duration": 62},
        62,
        ["", "", ""],
    ),
    (
        "a position past the lesson's end is invalid",
        [beat(30, 30), beat(60, 500)],
        {"duration": 100},
        30,
        ["", "position_invalid"],
    ),
    (
        "idle: no interaction for longer than idle_after stops the credit",
        [beat(t, t, interacted=False) for t in range(30, 721, 30)]
        + [beat(750, 750, interacted=True), beat(780, 780, interacted=False)],
        {},
        600 + 30 + 30,
        [""] * 20 + ["idle"] * 4 + ["", ""],
    ),
    (
        "clients that do not report interaction are not held idle",
        [beat(t, t) for t in range(30, 901, 30)],
        {},
        900,
        None,
    ),
    (
        "a replayed heartbeat (same seq) is rejected",
        [beat(30, 30, seq=1), beat(60, 60, seq=2), beat(61, 60, seq=2), beat(90, 90, seq=3)],
        {},
        90,
        ["", "", "replay", ""],
    ),
    (
        "a replayed heartbeat with an older seq is rejected",
        [beat(30, 30, seq=1), beat(60, 60, seq=2), beat(90, 30, seq=1), beat(91, 91, seq=3)],
        {},
        60 + 31,
        ["", "", "replay", ""],
    ),
    (
        "a replay without seq moves no play clock and credits nothing",
        [beat(30, 30), beat(60, 60), beat(75, 60)],
        {},
        60,
        ["", "", "paused"],
    ),
    (
        "a future client timestamp (beyond the measured clock offset) is rejected",
        [beat(30, 30, sent_at=130), beat(60, 60, sent_at=160), beat(90, 90, sent_at=400)],
        {},
        60,
        ["", "", "future_timestamp"],
    ),
    (
        "a client claiming more time than the server saw is rejected",
        [beat(30, 30, sent_at=30), beat(60, 60, sent_at=60), beat(70, 90, sent_at=90)],
        {},
        60,
        ["", "", "future_timestamp"],
    ),
    (
        "a client clock that is simply wrong (constant offset) still studies",
        [beat(t, t, sent_at=t - 3600) for t in range(30, 181, 30)],
        {},
        180,
        None,
    ),
    (
        "a client timestamp going backwards is a replay",
        [beat(30, 30, sent_at=30), beat(60, 60, sent_at=60), beat(90, 90, sent_at=45)],
        {},
        60,
        ["", "", "replay"],
    ),
    (
        "jitter: a heartbeat arriving late then one early still credits no more than wall time",
        [beat(30, 30), beat(63, 60), beat(87, 90), beat(120, 120)],
        {},
        30 + 30 + 24 + 30,
        ["", "", "", ""],
    ),
]


@pytest.mark.parametrize(
    ("name", "beats", "start", "expected", "reasons"), CASES, ids=[c[0] for c in CASES]
)
def test_stream(name, beats, start, expected, reasons):
    state, outcomes = run(beats, **start)
    assert state.credited == pytest.approx(expected)
    if reasons is not None:
        assert [str(o.reason) for o in outcomes] == reasons
    # invariants that hold for every stream
    total_wall = (beats[-1].at - T0).total_seconds()
    assert state.credited <= total_wall + start.get("credited", 0)
    assert state.credited <= max(state.furthest, start.get("credited", 0)) + 1e-9
    for o in outcomes:
        if o.verdict == REJECTED:
            assert o.credited_now == 0
            assert o.reason in {
                Reason.SESSION_ENDED,
                Reason.REPLAY,
                Reason.FUTURE_TIMESTAMP,
                Reason.POSITION_AHEAD,
                Reason.POSITION_INVALID,
            }


def test_rejected_heartbeat_does_not_move_the_anchor():
    state = State.start(T0)
    first = apply(state, beat(30, 30, seq=1), RULES)
    forged = apply(first.state, beat(40, 400, seq=2), RULES)
    assert forged.verdict == REJECTED and forged.state == first.state


def test_verdicts():
    state = State.start(T0)
    assert apply(state, beat(30, 30), RULES).verdict == CREDITED
    assert apply(state, beat(30, 0), RULES).verdict == ACCEPTED


def test_ended_session_credits_nothing():
    state = end(State.start(T0))
    outcome = apply(state, beat(30, 30), RULES)
    assert outcome.verdict == REJECTED and outcome.reason == Reason.SESSION_ENDED
    assert outcome.state.credited == 0


def test_second_device_ends_the_first():
    """Two devices of one account: opening the lesson on the phone ends the laptop's session."""
    laptop = State.start(T0)
    devices, ended = start_on_device([], "laptop", laptop)
    assert ended == []
    laptop_after = apply(laptop, beat(30, 30), RULES).state
    devices = [Device("laptop", laptop_after)]
    phone = State.start(
        at(40),
        position=laptop_after.anchor_position,
        furthest=laptop_after.furthest,
        credited=laptop_after.credited,
    )
    devices, ended = start_on_device(devices, "phone", phone)
    assert ended == ["laptop"]
    by_name = {d.name: d.state for d in devices}
    # the laptop keeps sending heartbeats: rejected, nothing credited
    laptop_beat = apply(by_name["laptop"], beat(60, 60), RULES)
    assert laptop_beat.reason == Reason.SESSION_ENDED and laptop_beat.credited_now == 0
    # the phone studies on from where the laptop stopped
    phone_beat = apply(by_name["phone"], beat(70, 60), RULES)
    assert phone_beat.credited_now == 30
    assert phone_beat.state.credited == 60


def test_rules_from_interval():
    assert Rules(interval=45).max_gap == 90

"""Honest study time as pure functions: a heartbeat stream → credited seconds (issue 6 item 3).

Nothing here touches the database or reads a clock: the caller passes the server's time of
arrival of each heartbeat (`Beat.at`), so the same stream always gives the same credit and the
rules are table-tested without a server (safetrain/study/tests/test_crediting.py).

A lesson has a *play clock*, `position` in seconds: the video's currentTime, or for a text or
PDF lesson the seconds the page has been read in the foreground (the lesson page counts them).
Each heartbeat reports where the play clock stands and whether the page was in the foreground
for the whole period since the previous heartbeat.

The segment between the previous accepted heartbeat (the *anchor*) and this one is credited
only when all of these hold (docs/study.md, "Crediting rules"):

1. the session is open (a second session of the account ended it: `session_ended`);
2. the gap is at most two heartbeat intervals (a longer gap is a break: no credit, new anchor;
   when the play clock moved on plausibly through a break, a hidden or an idle period, its
   point counts as reached, though the time is not credited);
3. the page was visible for the whole period (`visible`), else no credit;
4. the learner was not idle: an interaction happened within `idle_after` seconds (else the
   page shows the idle prompt and nothing is credited until the learner answers it);
5. the play clock moved forward by continuous play: 0 < Δposition ≤ Δwall × max_rate + slack;
   a jump (a seek back, or forward within what was already reached) is no credit, new anchor;
6. the segment started at or before the furthest position reached by continuous play, so
   playing on after seeking ahead credits nothing; continuous play extends the furthest point.

The credit of a segment is min(Δwall, Δposition): never faster than wall time. The lesson's total
never passes its furthest point (watching a part again adds nothing once the total has reached
it) and never passes the lesson's duration.

Forged or replayed heartbeats are *rejected*: nothing is credited, the anchor does not move, and
the service logs the attempt. A heartbeat is rejected when its `seq` is not above the last one
(a replay), when its `sent_at` lies in the future of the server's clock (after allowing the
client's clock offset measured at its first heartbeat) or claims more time passed than the
server saw, when its position exceeds the lesson's duration, or when the play clock advanced
beyond the furthest point faster than wall time allows (skipping ahead).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

# Verdicts of one heartbeat.
CREDITED = "credited"  # accepted, some time credited
ACCEPTED = "accepted"  # accepted as the new anchor, nothing credited (reason says why)
REJECTED = "rejected"  # forged, replayed or on an ended session: nothing changes


class Reason(StrEnum):
    """Why a heartbeat credited nothing (stable codes: logged and returned by the API)."""

    NONE = ""
    GAP = "gap"  # more than two heartbeat intervals since the anchor
    HIDDEN = "hidden"  # page not in the foreground
    IDLE = "idle"  # no interaction for idle_after seconds
    PAUSED = "paused"  # the play clock did not move
    SEEK = "seek"  # the play clock jumped (back, or forward within the reached part)
    BEYOND_FURTHEST = "beyond_furthest"  # playing on after a seek ahead
    AT_CAP = "at_cap"  # the lesson's total already equals its furthest point / duration
    # rejections (forgeries, replays, ended sessions)
    SESSION_ENDED = "session_ended"
    REPLAY = "replay"
    FUTURE_TIMESTAMP = "future_timestamp"
    POSITION_AHEAD = "position_ahead"
    POSITION_INVALID = "position_invalid"


REJECTIONS = frozenset(
    {
        Reason.SESSION_ENDED,
        Reason.REPLAY,
        Reason.FUTURE_TIMESTAMP,
        Reason.POSITION_AHEAD,
        Reason.POSITION_INVALID,
    }
)


@dataclass(frozen=True)
class Rules:
    """The numbers of the crediting rules (settings SAFETRAIN_STUDY_*; docs/study.md)."""

    interval: float = 30.0  # heartbeat interval the client is told to use (seconds)
    idle_after: float = 900.0  # idle prompt after this long without interaction
    max_rate: float = 2.0  # fastest playback the player allows (video playbackRate)
    slack: float = 5.0  # network jitter allowed between client and server clocks (seconds)
    future_tolerance: float = 10.0  # how far a client timestamp may run ahead (after offset)

    @property
    def max_gap(self) -> float:
        return 2 * self.interval


@dataclass(frozen=True)
class Beat:
    """One heartbeat: the server's time of arrival and what the client reported."""

    at: dt.datetime  # server clock, authoritative
    position: float
    visible: bool
    seq: int | None = None  # optional, strictly increasing per session
    sent_at: dt.datetime | None = None  # optional, the client's clock
    interacted: bool | None = None  # optional; None (not reported) counts as an interaction


@dataclass(frozen=True)
class State:
    """A study session's anchor plus the lesson's progress (what the database keeps)."""

    anchor_at: dt.datetime  # server time of the last accepted heartbeat (or the session start)
    anchor_position: float  # play clock at the anchor
    last_interaction_at: dt.datetime
    furthest: float = 0.0  # furthest position reached by continuous play (the lesson's)
    credited: float = 0.0  # the lesson's credited seconds so far (all sessions)
    duration: float = 0.0  # the lesson's length; 0 = unknown (no cap but the furthest point)
    last_seq: int | None = None
    last_sent_at: dt.datetime | None = None
    clock_offset: float | None = None  # client clock − server clock, seconds, at first sent_at
    ended: bool = False

    @classmethod
    def start(
        cls,
        at: dt.datetime,
        *,
        position: float = 0.0,
        furthest: float = 0.0,
        credited: float = 0.0,
        duration: float = 0.0,
    ) -> State:
        """A new session on a lesson: anchored at its start time and the resume position."""
        return cls(
            anchor_at=at,
            anchor_position=position,
            last_interaction_at=at,
            furthest=furthest,
            credited=credited,
            duration=duration,
        )


@dataclass(frozen=True)
class Outcome:
    state: State
    verdict: str
    reason: Reason
    credited_now: float = 0.0

    @property
    def rejected(self) -> bool:
        return self.verdict == REJECTED

    @property
    def idle(self) -> bool:
        return self.reason == Reason.IDLE


def _seconds(later: dt.datetime, earlier: dt.datetime) -> float:
    return (later - earlier).total_seconds()


def _reject(state: State, reason: Reason) -> Outcome:
    return Outcome(state=state, verdict=REJECTED, reason=reason)


def check_forgery(state: State, beat: Beat, rules: Rules) -> Reason:
    """The rejection reason for a forged, replayed or late heartbeat, or Reason.NONE."""
    if state.ended:
        return Reason.SESSION_ENDED
    if beat.position < 0 or (state.duration and beat.position > state.duration + rules.slack):
        return Reason.POSITION_INVALID
    if beat.seq is not None and state.last_seq is not None and beat.seq <= state.last_seq:
        return Reason.REPLAY
    wall = _seconds(beat.at, state.anchor_at)
    if wall < 0:  # arrived "before" the anchor: only a replayed or reordered request can
        return Reason.REPLAY
    if beat.sent_at is not None:
        offset = _seconds(beat.sent_at, beat.at)
        if state.clock_offset is not None and offset - state.clock_offset > rules.future_tolerance:
            return Reason.FUTURE_TIMESTAMP
        if state.last_sent_at is not None:
            claimed = _seconds(beat.sent_at, state.last_sent_at)
            if claimed <= 0:
                return Reason.REPLAY
            if claimed > wall + rules.future_tolerance:
                return Reason.FUTURE_TIMESTAMP
    advance = beat.position - state.anchor_position
    if (
        wall <= rules.max_gap
        and beat.position > state.furthest + rules.slack
        and advance > wall * rules.max_rate + rules.slack
    ):
        return Reason.POSITION_AHEAD
    return Reason.NONE


def apply(state: State, beat: Beat, rules: Rules = Rules()) -> Outcome:
    """One heartbeat against the session's state → the new state and what was credited."""
    rejection = check_forgery(state, beat, rules)
    if rejection:
        return _reject(state, rejection)

    wall = _seconds(beat.at, state.anchor_at)
    advance = beat.position - state.anchor_position
    interacted = beat.interacted is None or beat.interacted
    idle = not interacted and _seconds(beat.at, state.last_interaction_at) > rules.idle_after

    reason = Reason.NONE
    if wall > rules.max_gap:
        reason = Reason.GAP
    elif not beat.visible:
        reason = Reason.HIDDEN
    elif idle:
        reason = Reason.IDLE
    elif advance == 0:
        reason = Reason.PAUSED
    elif advance < 0 or advance > wall * rules.max_rate + rules.slack:
        reason = Reason.SEEK
    elif state.anchor_position > state.furthest + rules.slack:
        reason = Reason.BEYOND_FURTHEST

    furthest = state.furthest
    credit = 0.0
    plausible = 0 < advance <= wall * rules.max_rate + rules.slack
    if (
        reason in (Reason.GAP, Reason.HIDDEN, Reason.IDLE)
        and plausible
        and state.anchor_position <= state.furthest + rules.slack
    ):
        # played on through a break, in the background or while idle: the point is reached
        # (else the rest of the lesson could never be credited), but the time is not credited
        furthest = max(furthest, beat.position)
    if reason == Reason.NONE:
        furthest = max(furthest, beat.position)
        cap = min(furthest, state.duration) if state.duration else furthest
        credit = max(0.0, min(wall, advance, cap - state.credited))
        if credit <= 0:
            reason = Reason.AT_CAP
    new_state = replace(
        state,
        anchor_at=beat.at,
        anchor_position=beat.position,
        last_interaction_at=beat.at if interacted else state.last_interaction_at,
        furthest=furthest,
        credited=state.credited + credit,
        last_seq=beat.seq if beat.seq is not None else state.last_seq,
        last_sent_at=beat.sent_at if beat.sent_at is not None else state.last_sent_at,
        clock_offset=(
            state.clock_offset
            if state.clock_offset is not None or beat.sent_at is None
            else _seconds(beat.sent_at, beat.at)
        ),
    )
    return Outcome(
        state=new_state,
        verdict=CREDITED if credit > 0 else ACCEPTED,
        reason=reason,
        credited_now=credit,
    )


def end(state: State) -> State:
    """The session is over (the account started another one, or the learner left)."""
    return replace(state, ended=True)


def credit_stream(
    beats: Iterable[Beat], start: State, rules: Rules = Rules()
) -> tuple[State, list[Outcome]]:
    """Apply a stream of heartbeats in order (for tests, the benchmark and explanations)."""
    state = start
    outcomes = []
    for beat in beats:
        outcome = apply(state, beat, rules)
        outcomes.append(outcome)
        state = outcome.state
    return state, outcomes


# ----------------------------------------------------------------------------- accounts


@dataclass(frozen=True)
class Device:
    """A device's session in an account simulation (one session per account at a time)."""

    name: str
    state: State


def start_on_device(
    devices: Sequence[Device], name: str, state: State
) -> tuple[list[Device], list[str]]:
    """Open a session on device `name`; every other open session of the account ends.

    Returns the devices with their states and the names of the sessions that were ended."""
    ended = [d.name for d in devices if not d.state.ended and d.name != name]
    result = [
        Device(d.name, end(d.state)) if d.name in ended else d for d in devices if d.name != name
    ]
    result.append(Device(name, state))
    return result, ended

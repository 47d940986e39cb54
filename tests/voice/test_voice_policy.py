"""The cue policy, on a fake clock: what someone on the floor hears, and when."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from glutecoach.engine.model import Cue, CueKind
from glutecoach.voice.policy import CuePolicy, Cut, Drop, Play


def cue(text: str, kind: CueKind) -> Cue:
    return Cue(0.0, text, kind)


def played(actions: list) -> list[str]:
    return [a.utterance.text for a in actions if isinstance(a, Play)]


def test_a_cue_plays_at_once_when_the_voice_is_idle() -> None:
    p = CuePolicy()
    assert played(p.offer(cue("Glute bridges", CueKind.ANNOUNCE), due=10.0, now=10.0)) == [
        "Glute bridges"
    ]
    assert p.speaking is not None and p.speaking.text == "Glute bridges"


def test_a_countdown_number_cuts_a_form_cue_and_an_announcement() -> None:
    p = CuePolicy()
    p.offer(cue("Keep your ribs down", CueKind.FORM), 0.0, 0.0)
    actions = p.offer(cue("3", CueKind.COUNT), 1.0, 1.0)
    assert [type(a) for a in actions] == [Cut, Play]
    assert actions[0].utterance.text == "Keep your ribs down"
    p2 = CuePolicy()
    p2.offer(cue("Clamshells", CueKind.ANNOUNCE), 0.0, 0.0)
    assert played(p2.offer(cue("3", CueKind.COUNT), 0.5, 0.5)) == ["3"]


def test_a_newer_count_cuts_an_older_count_still_playing() -> None:
    p = CuePolicy()
    p.offer(cue("3", CueKind.COUNT), 0.0, 0.0)
    actions = p.offer(cue("2", CueKind.COUNT), 1.0, 1.0)
    assert [type(a) for a in actions] == [Cut, Play]
    assert p.speaking.text == "2"


def test_switch_sides_cuts_a_form_cue_but_waits_behind_a_count() -> None:
    p = CuePolicy()
    p.offer(cue("Squeeze at the top", CueKind.FORM), 0.0, 0.0)
    assert played(p.offer(cue("Switch sides", CueKind.ANNOUNCE), 0.2, 0.2)) == ["Switch sides"]

    p = CuePolicy()
    p.offer(cue("1", CueKind.COUNT), 0.0, 0.0)
    assert p.offer(cue("Switch sides", CueKind.ANNOUNCE), 0.3, 0.3) == []
    assert [u.text for u in p.queue] == ["Switch sides"]
    assert played(p.finished(p.speaking.id, 0.6)) == ["Switch sides"]


def test_form_cues_are_spoken_only_when_idle() -> None:
    p = CuePolicy()
    p.offer(cue("Next up: side plank", CueKind.NEXT), 0.0, 0.0)
    actions = p.offer(cue("Breathe out as you lift", CueKind.FORM), 0.5, 0.5)
    assert [(type(a), a.reason) for a in actions] == [(Drop, "busy")]
    p.finished(p.speaking.id, 2.0)
    assert played(p.offer(cue("Breathe out as you lift", CueKind.FORM), 2.1, 2.1)) == [
        "Breathe out as you lift"
    ]


def test_a_cue_offered_too_late_is_dropped() -> None:
    p = CuePolicy()
    actions = p.offer(cue("3", CueKind.COUNT), due=10.0, now=11.0)
    assert [(type(a), a.reason) for a in actions] == [(Drop, "late")]
    assert p.speaking is None


def test_a_queued_cue_that_goes_stale_is_dropped_not_spoken_late() -> None:
    p = CuePolicy()
    p.offer(cue("Get into position on your side", CueKind.SETUP), 0.0, 0.0)
    p.offer(cue("Next up: clamshells", CueKind.NEXT), 0.5, 0.5)
    assert [u.text for u in p.queue] == ["Next up: clamshells"]
    actions = p.finished(p.speaking.id, 20.0)
    assert [(type(a), a.reason) for a in actions] == [(Drop, "late")]
    assert p.speaking is None and p.queue == []


def test_a_newer_count_replaces_an_unplayed_older_one() -> None:
    p = CuePolicy(available=False)  # the worker is still starting
    p.offer(cue("3", CueKind.COUNT), 0.0, 0.0)
    actions = p.offer(cue("2", CueKind.COUNT), 0.3, 0.3)
    assert [(type(a), a.utterance.text, a.reason) for a in actions] == [(Drop, "3", "replaced")]
    assert played(p.ready(0.35)) == ["2"]


def test_waiting_cues_play_most_important_first() -> None:
    p = CuePolicy(available=False)
    p.offer(cue("Next up: bridges", CueKind.NEXT), 0.0, 0.0)
    p.offer(cue("Rest", CueKind.ANNOUNCE), 0.0, 0.0)
    assert [u.text for u in p.queue] == ["Rest", "Next up: bridges"]
    assert played(p.ready(0.1)) == ["Rest"]


def test_flush_cuts_the_current_utterance_and_empties_the_queue() -> None:
    p = CuePolicy()
    p.offer(cue("Glute bridges", CueKind.ANNOUNCE), 0.0, 0.0)
    p.offer(cue("Next up: clamshells", CueKind.NEXT), 0.1, 0.1)
    actions = p.flush()
    assert isinstance(actions[0], Cut) and actions[0].utterance.text == "Glute bridges"
    assert [(a.utterance.text, a.reason) for a in actions[1:]] == [
        ("Next up: clamshells", "flushed")
    ]
    assert p.speaking is None and p.queue == []
    assert p.finished(1, 0.2) == []  # the cut utterance's late "finished" changes nothing


KINDS = st.sampled_from(list(CueKind))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["offer", "finish", "tick", "flush"]), KINDS, st.floats(0, 2)),
        max_size=40,
    )
)
def test_every_cue_is_played_at_most_once_and_counts_never_wait(steps: list) -> None:
    p = CuePolicy()
    now = 0.0
    plays: list[int] = []
    for op, kind, dt in steps:
        now += dt
        if op == "offer":
            actions = p.offer(cue(str(kind), kind), now, now)
            if kind.priority == 0:
                assert p.speaking is not None and p.speaking.kind == kind
        elif op == "finish":
            actions = p.finished(p.speaking.id, now) if p.speaking else []
        elif op == "tick":
            actions = p.tick(now)
        else:
            actions = p.flush()
        plays += [a.utterance.id for a in actions if isinstance(a, Play)]
        assert all(u.priority > 0 for u in p.queue)
        assert all(now <= u.deadline for u in p.queue)
    assert len(plays) == len(set(plays))

"""Stories and their steps written through the store (both backends): a step moved or deleted keeps the
numbers 1..n, every write is in the history, a refused write leaves nothing half-done, and a deleted story
comes back with Revert."""

from __future__ import annotations

import pytest

from conflictmap.editing import delete_step, delete_story, move_step, next_step_number, step_rows
from conflictmap.store import EditConflict, InvalidRow
from conflictmap.stories import step_view

STORY = "ain-issa"


def captions(store, story=STORY) -> list[str]:
    return [r.values["caption_en"][:20] for r in step_rows(store, story)]


def test_moving_a_step_shifts_the_others_and_the_story_plays_in_the_new_order(store):
    before = captions(store)
    assert len(before) == 5
    done = move_step(store, STORY, 4, 2, who="tester")
    assert captions(store) == [before[0], before[3], before[1], before[2], before[4]]
    assert [r.values["step"] for r in step_rows(store, STORY)] == ["1", "2", "3", "4", "5"]
    assert [(c.op, c.row_id, c.who) for c in done] == [("update", f"{STORY}/{n}", "tester") for n in (2, 3, 4)]
    data = store.read()
    assert step_view(data, STORY, 2).claim_id == "c-ain-issa-ied-coalition"  # the old step 4 now plays second
    assert len(store.history(table="story_steps")) == 3


def test_deleting_a_step_renumbers_the_rest_and_revert_restores_each_row(store):
    before = captions(store)
    done = delete_step(store, STORY, 2, who="tester")
    assert captions(store) == [before[0], *before[2:]]
    assert [(c.op, c.row_id) for c in done] == [("update", f"{STORY}/2"), ("update", f"{STORY}/3"),
                                                ("update", f"{STORY}/4"), ("delete", f"{STORY}/5")]
    for change in reversed(done):
        store.revert(change.change_id, who="tester")
    assert captions(store) == before
    assert next_step_number(store, STORY) == 6


def test_deleting_a_story_deletes_its_steps_and_revert_brings_it_back(store):
    story = store.get("stories", STORY)
    done = delete_story(store, STORY, story.revision, who="tester", reason="duplicate")
    assert [c.table for c in done] == ["story_steps"] * 5 + ["stories"]
    data = store.read()
    assert STORY not in set(data.stories["story_id"]) and STORY not in set(data.story_steps["story_id"])
    assert not data.errors
    for change in reversed(done):
        store.revert(change.change_id, who="tester")
    assert len(step_rows(store, STORY)) == 5 and store.get("stories", STORY) is not None


class Interrupted:
    """The store, with another editor changing one step just before our write to it lands."""

    def __init__(self, store, row_id: str):
        self._store, self._row_id, self.fired = store, row_id, False

    def __getattr__(self, name):
        return getattr(self._store, name)

    def update(self, table, row_id, values, revision, **kw):
        if row_id == self._row_id and not self.fired:
            self.fired = True
            self._store.update(table, row_id, {"caption_en": "edited by someone else"}, revision, who="other")
        return self._store.update(table, row_id, values, revision, **kw)


def test_a_refused_move_leaves_no_step_half_moved(store):
    before = captions(store)
    interrupted = Interrupted(store, f"{STORY}/3")
    with pytest.raises(EditConflict):
        move_step(interrupted, STORY, 1, 4, who="tester")
    after = captions(store)
    # Steps 1 and 2 were rewritten, then reverted; step 3 keeps the other editor's text; nothing else moved.
    assert after == [before[0], before[1], "edited by someone el", *before[3:]]  # captions() cuts at 20
    ops = [(c.op, c.row_id, c.who) for c in store.history(table="story_steps")]
    assert ops == [("update", f"{STORY}/1", "tester"), ("update", f"{STORY}/2", "tester"),
                   ("update", f"{STORY}/3", "other"), ("update", f"{STORY}/2", "tester"),
                   ("update", f"{STORY}/1", "tester")]
    assert [c.reverts is not None for c in store.history(table="story_steps")] == [False] * 3 + [True] * 2


def test_a_step_is_validated_like_a_loaded_row(store):
    n = next_step_number(store, STORY)
    with pytest.raises(InvalidRow) as refused:
        store.create("story_steps", {"story_id": STORY, "step": n, "event_id": "no-such-event",
                                     "caption_en": "x", "zoom": "40"}, who="tester")
    assert {i.column for i in refused.value.issues} >= {"zoom"}
    change = store.create("story_steps", {"story_id": STORY, "step": n, "event_id": "hajin-clashes",
                                          "caption_en": "Another night, another claim.",
                                          "caption_ar": "ليلة أخرى، ادعاء آخر."}, who="tester")
    assert change.row_id == f"{STORY}/{n}" and step_rows(store, STORY)[-1].values["event_id"] == "hajin-clashes"

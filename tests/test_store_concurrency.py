"""Two editors in two processes, a few hundred edits to the same rows: nothing lost, every refusal reported."""

from __future__ import annotations

import multiprocessing as mp
import queue
import random
import sys
import time
import types

import pytest

from tests.conftest import copy_seed_tables, open_test_store

ROWS = ["c-ain-issa-ied-sohr", "c-ain-issa-ied-coalition", "c-hajin-clashes-sohr"]
EDITS_PER_EDITOR = 150


def editor(kind: str, where: str, name: str, seed: int, barrier, results) -> None:
    """In its own process: open the store and edit (:func:`edits`)."""
    from conflictmap.store import CsvStore

    if kind == "csv":
        store = CsvStore(where)
    else:
        from conflictmap.store.postgres import PostgresStore

        store = PostgresStore(where, create=False)
    barrier.wait()
    results.put((name, edits(store, name, seed)))
    store.close()


def edits(store, name: str, seed: int) -> list[tuple]:
    """Read a row, think a moment, save it against the revision read; log what the store answered."""
    from conflictmap.store import EditConflict

    rng = random.Random(seed)
    log = []
    for i in range(EDITS_PER_EDITOR):
        row = rng.choice(ROWS)
        seen = store.get("claims", row)
        value = f"{name} edit {i}: تعديل {i}"
        time.sleep(rng.random() * 0.004)  # the other editor may save meanwhile
        try:
            change = store.update("claims", row, {"quote_en": value}, seen.revision, who=name)
            log.append(("saved", row, value, change.change_id))
        except EditConflict as exc:
            assert exc.current_revision != seen.revision and exc.last_change is not None
            log.append(("refused", row, value, exc.last_change.change_id))
    return log


@pytest.mark.parametrize("kind", ["csv", "postgresql"])
def test_two_processes_editing_the_same_rows_lose_nothing(kind, tmp_path, monkeypatch):
    # An AppTest run earlier in this process leaves a page script as sys.modules["__main__"]; a spawned child
    # would run that page again on start-up and die before editing. The children need no __main__ of ours.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    store = open_test_store(kind, copy_seed_tables(tmp_path / "data"))
    where = str(store.dir) if kind == "csv" else store.url
    initial = {row: store.get("claims", row).values["quote_en"] for row in ROWS}
    before = store.last_change_id()

    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=editor, args=(kind, where, name, seed, barrier, results))
             for name, seed in (("editor-a", 1), ("editor-b", 2))]
    # spawn re-runs the parent's __main__ in each child; under pytest that can be whatever script a test ran
    # last (an app page), so the children start from an empty __main__.
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        for p in procs:
            p.start()
    finally:
        sys.modules["__main__"] = main
    logs, deadline = {}, time.monotonic() + 600
    while len(logs) < len(procs):
        try:
            name, log = results.get(timeout=2)
            logs[name] = log
        except queue.Empty:
            assert all(p.exitcode in (None, 0) for p in procs), f"an editor died: {[p.exitcode for p in procs]}"
            assert time.monotonic() < deadline, "the editors did not finish in 10 minutes"
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    check_nothing_lost(store, logs, initial, before)
    store.close()


def test_two_threads_sharing_one_csv_store_lose_nothing(tmp_path):
    """The app's sessions share one store object: its in-process state must hold up as well as the file lock."""
    import threading

    store = open_test_store("csv", copy_seed_tables(tmp_path / "data"))
    initial = {row: store.get("claims", row).values["quote_en"] for row in ROWS}
    logs = {}

    def run(name, seed):
        logs[name] = edits(store, name, seed)

    threads = [threading.Thread(target=run, args=(name, seed)) for name, seed in (("editor-a", 3), ("editor-b", 4))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    check_nothing_lost(store, logs, initial, 0)


def check_nothing_lost(store, logs: dict, initial: dict, before: int) -> None:
    # Every attempt got an answer.
    assert all(len(log) == EDITS_PER_EDITOR for log in logs.values())
    saved = [e for log in logs.values() for e in log if e[0] == "saved"]
    refused = [e for log in logs.values() for e in log if e[0] == "refused"]
    assert saved and refused, "the editors never collided: the test did not test anything"

    # The history holds exactly the accepted edits...
    history = [c for c in store.history(after=before)]
    assert sorted((c.change_id, c.row_id, c.new["quote_en"]) for c in history) == \
        sorted((cid, row, value) for _, row, value, cid in saved)
    # ...each one based on the one before it (no save overwrote another unseen)...
    for row in ROWS:
        chain = [c for c in history if c.row_id == row]
        previous, revision = initial[row], store.get("claims", row).revision - len(chain)
        for c in chain:
            assert c.old["quote_en"] == previous and c.revision == revision + 1
            previous, revision = c.new["quote_en"], c.revision
        # ...and the table holds the last one.
        assert store.get("claims", row).values["quote_en"] == previous
    # A refused edit is nowhere.
    written = {c.new["quote_en"] for c in history}
    assert not written & {value for _, _, value, _ in refused}
    data = store.read()
    assert not data.errors
    quotes = data.claims.set_index("claim_id")["quote_en"]
    assert all(quotes[row] == store.get("claims", row).values["quote_en"] for row in ROWS)

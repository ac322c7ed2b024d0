"""Shared fixtures: the bundled seed data, and a builder for small data directories."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from hypothesis import settings

from conflictmap import schema
from conflictmap.load import load_dataset

# Hypothesis's default 200 ms per-example deadline is a timing goal inside a unit test: on a loaded
# 2-core machine (CI runs browsers beside these) it failed a property that holds. Timing goals live in
# benchmarks/, so no example has a deadline here.
settings.register_profile("conflictmap", deadline=None)
settings.load_profile("conflictmap")

REPO = Path(__file__).resolve().parent.parent


def _seeds_dir() -> Path:
    """The source articles (the project's shared folder, ``shared/seeds``): $CONFLICTMAP_SEEDS, else the first
    ``shared/seeds`` beside the repository or one of its parents (CI has it beside the checkout)."""
    if os.environ.get("CONFLICTMAP_SEEDS"):
        return Path(os.environ["CONFLICTMAP_SEEDS"])
    found = [d / "shared" / "seeds" for d in REPO.parents if (d / "shared" / "seeds").is_dir()]
    return found[0] if found else REPO.parent / "shared" / "seeds"


SEEDS = _seeds_dir()


@pytest.fixture(autouse=True)
def _keep_main_module():
    """Put ``sys.modules["__main__"]`` back after each test. Streamlit's AppTest leaves the last script it ran
    there (pages/import_data.py, say), and a process started later with the "spawn" method re-runs that file
    as its main module: tests/test_store_concurrency.py's editors then crashed before editing, when the full
    suite ran the import page's tests first."""
    import sys

    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


# --- skips: allowed on a developer's machine, failures in CI ------------------------------------------

def in_ci() -> bool:
    """CI is on when ``CI`` is set to anything but an empty or false-like value (``CI=1``, ``true``, ``True``)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no", "off")


def skip_or_fail(message: str):
    """Skip with ``message`` (which should name the command that would enable the test); in CI, fail."""
    if in_ci():
        pytest.fail(f"CI is set: {message}", pytrace=False)
    pytest.skip(message)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skip, wherever it comes from, is a failure: a green run must mean every test ran."""
    outcome = yield
    rep = outcome.get_result()
    if in_ci() and rep.skipped and not hasattr(rep, "wasxfail"):
        reason = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
        rep.outcome = "failed"
        rep.longrepr = f"CI is set: a skipped test counts as a failure ({reason})"
        item.config._could_not_run = [*getattr(item.config, "_could_not_run", []), (item.nodeid, reason)]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    missed = getattr(config, "_could_not_run", [])
    if missed:
        terminalreporter.section(f"{len(missed)} test(s) could not run (CI is set, so each one failed)")
        for nodeid, reason in missed:
            terminalreporter.line(f"{nodeid}: {reason}")


def require_service(name: str, how_to_enable: str) -> None:
    """Skip the calling test because ``name`` is not available, saying ``how_to_enable`` it; under CI, fail instead.

    For tests that need something outside Python (a database, a browser): locally they skip with the one command
    that would enable them, and a CI run cannot turn green by skipping them.
    """
    skip_or_fail(f"{name} is not available; to run this test: {how_to_enable}")


TEST_DATABASE_ENV = "CONFLICTMAP_TEST_DATABASE_URL"
ENABLE_POSTGRES = ("as root, from the repository: bash -c 'source .ci/postgres.sh && .venv/bin/python -m pytest "
                   "tests/test_store.py tests/test_store_concurrency.py' (it installs and starts PostgreSQL and sets "
                   "CONFLICTMAP_TEST_DATABASE_URL; with a server of your own, set "
                   "CONFLICTMAP_TEST_DATABASE_URL=postgresql://USER:PASSWORD@127.0.0.1/DBNAME instead)")


def database_url_for_tests() -> str:
    """$CONFLICTMAP_TEST_DATABASE_URL, or skip (fail under CI) saying how to set it."""
    url = os.environ.get(TEST_DATABASE_ENV, "").strip()
    if not url:
        require_service("PostgreSQL ($CONFLICTMAP_TEST_DATABASE_URL is not set)", ENABLE_POSTGRES)
    return url


def empty_test_database(url: str) -> None:
    """Drop everything in the test database's public schema: each store test starts from nothing."""
    import sqlalchemy as sa

    from conflictmap.store.postgres import engine_url

    engine = sa.create_engine(engine_url(url))
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def copy_seed_tables(dest: Path) -> Path:
    """The repository's tables (only the tables) copied into ``dest``."""
    import shutil

    for table in schema.TABLES.values():
        if (REPO / table.path).exists():
            (dest / table.path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(REPO / table.path, dest / table.path)
    return dest


def open_test_store(kind: str, data_dir: Path):
    """A store of ``kind`` ("csv" or "postgresql") holding the tables of ``data_dir``."""
    if kind == "csv":
        from conflictmap.store import CsvStore

        return CsvStore(data_dir)
    from conflictmap.store.postgres import PostgresStore

    url = database_url_for_tests()
    empty_test_database(url)
    store = PostgresStore(url)
    loaded = store.load_dir(data_dir)
    assert not loaded.errors, loaded.errors
    return store


@pytest.fixture(params=["csv", "postgresql"])
def store(request, tmp_path):
    """Each store backend in turn, holding a copy of the seed data."""
    s = open_test_store(request.param, copy_seed_tables(tmp_path / "data"))
    yield s
    s.close()


PAYLOADS = [
    '<img src=x onerror="window.__pwned=1">',
    "${window.__pwned=1}",
    "`+(window.__pwned=1)+`",
    "back\\slash \\` tick",
    "</script><script>window.__pwned=1</script>",
]
PAYLOAD = " ".join(PAYLOADS)


def write_table(path: Path, table: schema.Table, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=table.column_names)
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in table.column_names})


def source(**kw) -> dict:
    return {"source_id": "s1", "outlet": "Outlet", "title": "Title", "language": "ar", "published": "2018-06-04",
            "published_precision": "day", **kw}


def place(pid: str, lat: float, lon: float, **kw) -> dict:
    return {"place_id": pid, "name_en": pid.title(), "kind": "town", "lat": lat, "lon": lon, "country": "SY",
            "coord_source": "test", "coord_precision_m": 500, **kw}


def event(eid: str, date: str, **kw) -> dict:
    return {"event_id": eid, "date_start": date, "date_end": kw.pop("date_end", date), "date_precision": "day",
            "title_en": f"Event {eid}", "event_type": "Battles", "sub_event_type": "Armed clash",
            "place_ids": "a", "place_relation": "at", "geo_precision": 1, "source_id": "s1", **kw}


def claim(cid: str, eid: str, claimant: str, stance: str, **kw) -> dict:
    return {"claim_id": cid, "event_id": eid, "claimant": claimant, "claimant_kind": "monitor", "stance": stance,
            "claim_date": "2018-06-04", "claim_date_precision": "day", "source_id": "s1", **kw}


@pytest.fixture
def make_data(tmp_path):
    """Write a data directory from row dicts; returns its path. Unlisted tables get sensible defaults."""

    def _make(events=None, claims=None, sources=None, places=None, name="data") -> Path:
        d = tmp_path / name
        write_table(d / "sources.csv", schema.SOURCES, sources if sources is not None else [source()])
        write_table(d / "geodata" / "places.csv", schema.PLACES, places if places is not None else
                    [place("a", 36.0, 38.0), place("b", 35.0, 40.0)])
        write_table(d / "events.csv", schema.EVENTS, events if events is not None else [event("e1", "2018-06-03")])
        write_table(d / "claims.csv", schema.CLAIMS, claims if claims is not None else [])
        return d

    return _make



@pytest.fixture
def local_edit_data(tmp_path, monkeypatch):
    """A copy of the seed tables that the app reads and the person at the machine may edit (CONFLICTMAP_EDIT=local)."""
    d = copy_seed_tables(tmp_path / "data")
    monkeypatch.setenv("CONFLICTMAP_DATA", str(d))
    monkeypatch.setenv("CONFLICTMAP_SEEDS", str(SEEDS))
    monkeypatch.setenv("CONFLICTMAP_EDIT", "local")
    return d

@pytest.fixture(scope="session")
def seed():
    """The bundled seed dataset (repository root)."""
    return load_dataset(REPO)


def layer_payload(html: str) -> tuple[str, dict, str] | None:
    """The event layer in a map's HTML or feature-group script: ("events" or "grid", its data, the raw JSON).

    The layer is one call, ``window.cmDrawEvents(group, DATA, ...)`` or ``cmDrawGrid``; DATA is decoded with
    a real JSON decoder, so no text inside it can fool the match. None when there is no layer.
    """
    import json
    import re

    call = re.search(r"window\.cmDraw(Events|Grid)\(\w+, ", html)
    if call is None:
        return None
    data, end = json.JSONDecoder().raw_decode(html, call.end())
    return ("grid" if call.group(1) == "Grid" else "events"), data, html[call.end():end]

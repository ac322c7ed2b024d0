"""Shared fixtures: the bundled seed data, and a builder for small data directories."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from conflictmap import schema
from conflictmap.load import load_dataset

REPO = Path(__file__).resolve().parent.parent


def _seeds_dir() -> Path:
    """The source articles (the project's shared folder, ``shared/seeds``): $CONFLICTMAP_SEEDS, else the first
    ``shared/seeds`` beside the repository or one of its parents (CI has it beside the checkout)."""
    if os.environ.get("CONFLICTMAP_SEEDS"):
        return Path(os.environ["CONFLICTMAP_SEEDS"])
    found = [d / "shared" / "seeds" for d in REPO.parents if (d / "shared" / "seeds").is_dir()]
    return found[0] if found else REPO.parent / "shared" / "seeds"


SEEDS = _seeds_dir()


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

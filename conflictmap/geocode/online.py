"""The online step: a Nominatim-compatible service through geopy, paced and remembered.

Online use is polite by construction: one :class:`PacedRateLimiter` per process
(at most one request a second, shared by every caller), a persistent cache
(:mod:`conflictmap.geocode.cache`) so no query is sent twice, and every geopy
error mapped to a :class:`~conflictmap.geocode.errors.GeocodeError` that names
the service.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from geopy import exc as geopy_exc
from geopy.distance import geodesic
from geopy.extra.rate_limiter import RateLimiter

from .cache import CACHE_FILENAME, GeocodeCache
from .config import (
    DEFAULT_COUNTRIES,
    DEFAULT_LANGUAGE,
    DEFAULT_SERVICE_URL,
    DEFAULT_TIMEOUT_S,
    GEOCODER_ONLINE_ENV,
    GEOCODER_URL_ENV,
    MAX_RESULTS,
    USER_AGENT,
    USER_AGENT_ENV,
)
from .errors import (
    GeocodeError,
    GeocoderBadResponse,
    GeocoderConfigError,
    GeocoderRateLimited,
    GeocoderRejected,
    GeocoderTimeout,
    GeocoderUnreachable,
)
from .model import NOMINATIM, PRECISION_BY_KIND_M, Candidate, float_or_none, valid_point

# geopy's RateLimiter logs a full traceback on every retry; with no logging configured Python prints it
# to stderr, burying our one-line message. Applications that configure logging still receive it.
logging.getLogger("geopy").addHandler(logging.NullHandler())


RETRIED_ERRORS = (geopy_exc.GeocoderTimedOut, geopy_exc.GeocoderUnavailable)
"""The only geopy errors worth asking again for: a timeout, a service that could not be reached (or a 5xx)."""


@dataclass(frozen=True)
class _NotRetried:
    """A geopy error carried past RateLimiter as a return value, so that it is raised at once, not retried."""

    error: geopy_exc.GeocoderServiceError


def _call_retrying_only_transient_errors(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """Call ``fn``; hand any geopy service error other than :data:`RETRIED_ERRORS` back as a :class:`_NotRetried`.

    RateLimiter retries every ``GeocoderServiceError`` (its documented rule), and
    a 429, a 4xx or an unreadable answer is one too; returning those instead of
    raising them is how, through its public interface, they escape the retry.
    """
    try:
        return fn(*args, **kwargs)
    except RETRIED_ERRORS:
        raise
    except geopy_exc.GeocoderServiceError as error:
        return _NotRetried(error)


def _read_time_through(limiter: RateLimiter, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
    """Make geopy's RateLimiter take the time from ``clock`` and wait with ``sleep``: PRIVATE geopy API.

    Why private: RateLimiter (geopy 2.0-2.5) has no argument for its clock. It
    reads the time through its own ``_clock()`` and waits through its own
    ``_sleep(seconds)``; shadowing both on the instance is the only way in. Only
    an injected clock needs it (tests pace the limiter without waiting):
    production limiters never come here.
    ``tests/geocode/test_online.py::test_geopy_rate_limiter_still_reads_time_through_clock_and_sleep``
    fails when geopy renames or bypasses them.
    """
    for name in ("_clock", "_sleep"):
        if not callable(getattr(RateLimiter, name, None)):
            raise RuntimeError(f"geopy's RateLimiter no longer has {name}(): an injected clock cannot be used "
                               f"(see conflictmap/geocode/online.py, _read_time_through)")
    limiter._clock = clock  # type: ignore[method-assign]
    limiter._sleep = sleep  # type: ignore[method-assign]


class PacedRateLimiter(RateLimiter):
    """geopy's ``RateLimiter`` around any call: ``limiter(fn, *args, **kwargs)``.

    Wrapping a dispatcher instead of one geocoder's method lets a single
    limiter pace every request this process sends, whichever service or
    session it comes from. Exceptions are never swallowed (geopy's default
    returns None, which would be cached as "no result"), and only
    :data:`RETRIED_ERRORS` are retried: a 429 asks us to back off, and a 4xx
    or an unreadable answer will not improve by asking again.

    ``clock`` and ``sleep`` are for tests (a fake clock): without them geopy's
    own timer and ``time.sleep`` are used.
    """

    def __init__(self, *, min_delay_seconds: float = 1.0, max_retries: int = 1, error_wait_seconds: float = 2.0,
                 clock: Callable[[], float] | None = None, sleep: Callable[[float], None] | None = None) -> None:
        super().__init__(_call_retrying_only_transient_errors, min_delay_seconds=min_delay_seconds,
                         max_retries=max_retries, error_wait_seconds=error_wait_seconds, swallow_exceptions=False)
        if clock is not None or sleep is not None:
            _read_time_through(self, clock or time.monotonic, sleep or time.sleep)

    def __call__(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        result = super().__call__(fn, *args, **kwargs)
        if isinstance(result, _NotRetried):
            raise result.error
        return result


_SHARED_LIMITER: PacedRateLimiter | None = None
_SHARED_LIMITER_LOCK = threading.Lock()


def shared_rate_limiter() -> PacedRateLimiter:
    """The process's one rate limiter: at most one online request per second, across every session and caller."""
    global _SHARED_LIMITER
    with _SHARED_LIMITER_LOCK:
        if _SHARED_LIMITER is None:
            _SHARED_LIMITER = PacedRateLimiter()
        return _SHARED_LIMITER


def _http_status(error: BaseException) -> int | None:
    cause = error.__cause__
    return getattr(cause, "status_code", None)


_HTTP_REASONS = {429: "too many requests", 500: "internal server error", 502: "bad gateway",
                 503: "service unavailable", 504: "gateway timeout", 400: "bad request", 401: "unauthorized",
                 403: "forbidden", 404: "not found"}


def _bbox_radius_m(item: Mapping[str, Any], lat: float, lon: float) -> int | None:
    box = item.get("boundingbox")
    try:
        s, n, w, e = (float(v) for v in box)  # Nominatim: [south, north, west, east] as strings
    except (TypeError, ValueError):
        return None
    if not (valid_point(s, w) and valid_point(n, e)):
        return None
    corners = [(s, w), (s, e), (n, w), (n, e)]
    return int(max(geodesic((lat, lon), c).m for c in corners))


_NOMINATIM_KINDS = {"city": "city", "town": "town", "village": "village", "hamlet": "village", "suburb": "village",
                    "neighbourhood": "village", "locality": "village", "isolated_dwelling": "village",
                    "aerodrome": "airbase", "military": "base", "airfield": "airbase", "administrative": "region",
                    "state": "region", "county": "region", "country": "country"}


def candidate_from_nominatim(item: Mapping[str, Any], service_url: str) -> Candidate:
    """One Nominatim ``/search`` result as a candidate; a result without usable coordinates is a bad response."""
    if not isinstance(item, Mapping):
        raise GeocoderBadResponse(f"{service_url} returned a result that is not an object: {item!r:.120}")
    lat, lon = float_or_none(item.get("lat")), float_or_none(item.get("lon"))
    if not valid_point(lat, lon):
        raise GeocoderBadResponse(f"{service_url} returned a result without a valid lat/lon: "
                                  f"lat={item.get('lat')!r}, lon={item.get('lon')!r}")
    kind = _NOMINATIM_KINDS.get(str(item.get("type", "")), _NOMINATIM_KINDS.get(str(item.get("class", "")), ""))
    radius = _bbox_radius_m(item, lat, lon)
    precision = max(50, min(radius, 100_000)) if radius is not None else PRECISION_BY_KIND_M.get(kind, 5000)
    address = item.get("address") if isinstance(item.get("address"), Mapping) else {}
    display = str(item.get("display_name") or "")
    osm = f"{item.get('osm_type', '?')} {item.get('osm_id', '?')}"
    importance = float_or_none(item.get("importance"))
    return Candidate(
        name=display.split(",")[0].strip() or display, lat=lat, lon=lon, source=NOMINATIM,
        coord_source=f"Nominatim {osm} via {service_url}", precision_m=int(precision),
        match=f"{NOMINATIM} result {display!r}" + (f", importance {importance:.2f}" if importance is not None else ""),
        score=importance if importance is not None else 0.5, kind=kind,
        country=str(address.get("country_code", "")).upper(), admin1=str(address.get("state", "")))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class OnlineGeocoder:
    """A Nominatim-compatible service, paced by the shared rate limiter and remembered by a cache.

    ``search`` sends a query only if this (service, query, language, countries)
    was never asked before; the answer, even "no result", is cached at once.
    Every failure is raised as a :class:`GeocodeError` naming the service URL.
    """

    def __init__(self, url: str, cache: GeocodeCache | None = None, *, language: str = DEFAULT_LANGUAGE,
                 country_codes: Sequence[str] = DEFAULT_COUNTRIES, timeout: float = DEFAULT_TIMEOUT_S,
                 user_agent: str | None = None, limiter: RateLimiter | None = None,
                 max_results: int = MAX_RESULTS) -> None:
        from geopy.geocoders import Nominatim

        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise GeocoderConfigError(f"geocoder URL must look like http://host[:port][/path], instead got: {url!r}")
        self.url = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
        self.cache = cache if cache is not None else GeocodeCache(None)
        self.language = language
        self.country_codes = tuple(c.lower() for c in country_codes)
        self.timeout = timeout
        self.max_results = max_results
        self.limiter = limiter if limiter is not None else shared_rate_limiter()
        kwargs: dict[str, Any] = {}
        if _is_loopback(parts.hostname):
            kwargs["proxies"] = {}  # a local service is never reached through a proxy
        try:
            from geopy.adapters import RequestsAdapter

            # No hidden retries inside requests: the rate limiter is the only place a query is repeated.
            kwargs["adapter_factory"] = lambda proxies, ssl_context: RequestsAdapter(
                proxies=proxies, ssl_context=ssl_context, max_retries=0)
        except ImportError:  # pragma: no cover - geopy falls back to urllib, which does not retry
            pass
        self._nominatim = Nominatim(domain=f"{parts.netloc}{parts.path.rstrip('/')}", scheme=parts.scheme,
                                    user_agent=user_agent or os.environ.get(USER_AGENT_ENV) or USER_AGENT,
                                    timeout=timeout, **kwargs)

    def cache_key(self, query: str) -> str:
        """The cache key of ``query`` sent to this service with these settings."""
        return GeocodeCache.key(self.url, query, language=self.language, countrycodes=",".join(self.country_codes),
                                limit=self.max_results)

    def search(self, query: str) -> list[Candidate]:
        """Candidates for ``query`` (unchecked), from the cache or from one paced request."""
        key = self.cache_key(query)
        raw = self.cache.get(key)
        if raw is None:
            raw = self._fetch(query)
            candidates = [candidate_from_nominatim(item, self.url) for item in raw]  # validate before caching
            self.cache.put(key, raw)
            return candidates
        return [candidate_from_nominatim(item, self.url) for item in raw]

    def _fetch(self, query: str) -> list[dict]:
        url = self.url
        try:
            locations = self.limiter(self._nominatim.geocode, query, exactly_one=False, limit=self.max_results,
                                     addressdetails=True, language=self.language,
                                     country_codes=list(self.country_codes) or None)
        except geopy_exc.GeocoderRateLimited as e:
            wait = f"; it asks us to wait {e.retry_after:g} s" if e.retry_after else ""
            raise GeocoderRateLimited(f"geocoder {url} refused the request: HTTP 429 too many requests{wait}",
                                      retry_after=e.retry_after) from e
        except geopy_exc.GeocoderTimedOut as e:
            status = _http_status(e)  # geopy reports HTTP 503/504 as a timeout
            if status:
                raise GeocoderUnreachable(f"geocoder {url} answered HTTP {status} "
                                          f"({_HTTP_REASONS.get(status, 'server error')})") from e
            raise GeocoderTimeout(f"geocoder {url} did not answer within {self.timeout:g} s") from e
        except geopy_exc.GeocoderUnavailable as e:
            if "timed out" in str(e).lower() or "timeout" in str(e).lower():
                raise GeocoderTimeout(f"geocoder {url} did not answer within {self.timeout:g} s") from e
            raise GeocoderUnreachable(f"cannot reach geocoder {url}: {_connection_reason(e)}") from e
        except geopy_exc.GeocoderParseError as e:
            raise GeocoderBadResponse(f"geocoder {url} answered with something that is not JSON") from e
        except geopy_exc.GeocoderServiceError as e:
            status = _http_status(e)
            if status and status < 500:
                raise GeocoderRejected(f"geocoder {url} refused the query {query!r}: HTTP {status} "
                                       f"({_HTTP_REASONS.get(status, 'client error')}): {_short(e)}") from e
            what = f"HTTP {status} ({_HTTP_REASONS.get(status, 'server error')})" if status else _short(e)
            raise GeocoderUnreachable(f"geocoder {url} failed: {what}") from e
        except geopy_exc.GeopyError as e:
            raise GeocodeError(f"geocoder {url}: {_short(e)}") from e
        except (ValueError, TypeError, KeyError, AttributeError) as e:  # geopy choking on a malformed result
            raise GeocoderBadResponse(f"geocoder {url} returned results that cannot be read: {_short(e)}") from e
        if locations is None:
            return []
        return [dict(loc.raw) for loc in locations]


def _connection_reason(error: BaseException) -> str:
    """The OS's reason ("Connection refused", "Name or service not known") from urllib3's long message."""
    m = re.search(r"\[Errno -?\d+\] ([^\"')\]]+)", str(error))
    return m.group(1).strip() if m else _short(error)


def _short(error: BaseException, limit: int = 160) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def online_geocoder_from_env(data_dir: Path | str | None, *, enable: bool | None = None,
                             language: str = DEFAULT_LANGUAGE, countries: Sequence[str] = DEFAULT_COUNTRIES,
                             timeout: float = DEFAULT_TIMEOUT_S,
                             read_only_cache: bool = False) -> tuple[OnlineGeocoder | None, str]:
    """The configured online geocoder (or None) and a sentence saying which, for messages.

    ``enable``: True (``--online``), False (``--offline``) or None (decide from
    the environment). With no ``CONFLICTMAP_GEOCODER_URL`` the online step stays
    off unless explicitly enabled, so nothing reaches the internet by accident.
    """
    url = os.environ.get(GEOCODER_URL_ENV, "").strip()
    if enable is False:
        return None, "online step disabled (--offline)"
    if not url and not (enable or os.environ.get(GEOCODER_ONLINE_ENV, "").strip() in ("1", "true", "yes")):
        return None, (f"online step disabled: set {GEOCODER_URL_ENV} (e.g. http://127.0.0.1:8088) "
                      f"or pass --online to use {DEFAULT_SERVICE_URL}")
    cache_path = Path(data_dir) / "geodata" / CACHE_FILENAME if data_dir is not None else None
    geocoder = OnlineGeocoder(url or DEFAULT_SERVICE_URL, GeocodeCache(cache_path, read_only=read_only_cache),
                              language=language, country_codes=countries, timeout=timeout)
    kept = "cache read, not written (dry run)" if read_only_cache else f"answers cached in {cache_path}"
    return geocoder, f"online step: {geocoder.url} (at most 1 request/s; {kept})"

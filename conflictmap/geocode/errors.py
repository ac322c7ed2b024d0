"""Geocoding errors: one hierarchy under :class:`GeocodeError`, each message naming the service.

geopy's own exceptions (``geopy.exc``) are mapped onto these by
:mod:`conflictmap.geocode.online`, so callers (the CLI, the Places page) catch
one type and show one line.
"""

from __future__ import annotations


class GeocodeError(Exception):
    """Geocoding could not be done; the message names the service and what went wrong."""


class GeocoderConfigError(GeocodeError):
    """The geocoder is configured wrongly (e.g. a URL that is not http(s)://host[:port])."""


class GeocoderUnreachable(GeocodeError):
    """The service could not be reached or answered with a server error (HTTP 5xx)."""


class GeocoderTimeout(GeocoderUnreachable):
    """The service did not answer within the timeout."""


class GeocoderRateLimited(GeocodeError):
    """The service refused us for sending too many requests (HTTP 429)."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class GeocoderRejected(GeocodeError):
    """The service refused the request itself (HTTP 400/401/403…): retrying will not help."""


class GeocoderBadResponse(GeocodeError):
    """The service answered, but not with results we can read (not JSON, no coordinates)."""

"""Geocoding settings: the environment variables that enable the online step, and the matching thresholds.

Nothing here does anything; every other module of :mod:`conflictmap.geocode` reads its defaults from here.
"""

from __future__ import annotations

GEOCODER_URL_ENV = "CONFLICTMAP_GEOCODER_URL"
"""Base URL of a Nominatim-compatible service, e.g. ``http://127.0.0.1:8088``. Setting it enables the online step."""
GEOCODER_ONLINE_ENV = "CONFLICTMAP_GEOCODER_ONLINE"
"""``1`` enables the online step against the public Nominatim when no URL is configured."""
USER_AGENT_ENV = "CONFLICTMAP_GEOCODER_USER_AGENT"
DEFAULT_SERVICE_URL = "https://nominatim.openstreetmap.org"
USER_AGENT = "conflictmap/0.1 (conflict-event research dashboard; python-geopy)"
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_LANGUAGE = "en,ar"
DEFAULT_COUNTRIES = ("SY",)
MAX_RESULTS = 5
FUZZY_CUTOFF = 0.85
FUZZY_MIN_LETTERS = 6
"""Shorter names are not matched fuzzily: one letter off in "Qaim" already makes "Qasim", another town."""
GAZETTEER_PREFERENCE = 0.1
"""A gazetteer match stands unless GeoNames matches the name better by more than this (two alterations)."""

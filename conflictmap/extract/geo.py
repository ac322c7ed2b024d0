"""Everything the extractor takes from the geocoder, in one place.

If :mod:`conflictmap.geocode` moves, only this import changes.
"""

from __future__ import annotations

from ..geocode import (  # noqa: F401 - re-exported for the extractor's modules
    GAZETTEER,
    GEONAMES,
    PRECISION_BY_KIND_M,
    Candidate,
    NameIndex,
    gazetteer_index,
    geodesic_km,
    geonames_index,
    name_forms,
)

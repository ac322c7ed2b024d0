"""Offline map assets: local rewrite, pinned fallback, hash checks, atomic install, TopoJSON.

No network: install tests use a fake ``npm`` that copies tarballs built here.
"""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import re
import sys
import tarfile
from pathlib import Path

import folium
import folium.plugins
import pytest

from conflictmap import assets
from tests.conftest import skip_or_fail

TAG_URL = re.compile(r"<(?:script|link)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"", re.I)


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


def demo_map() -> folium.Map:
    """One element of every plugin the dashboard uses."""
    m = folium.Map(location=[35.0, 38.0], zoom_start=6, tiles=None, maxZoom=18)  # MarkerCluster needs maxZoom
    cluster = folium.plugins.MarkerCluster().add_to(m)
    folium.Marker([35.0, 38.0], icon=folium.Icon(icon="info-sign")).add_to(cluster)
    folium.Marker([35.2, 38.2], icon=folium.Icon(icon="star", prefix="fa", angle=45)).add_to(m)
    folium.plugins.FastMarkerCluster([[35.1, 38.1]]).add_to(m)
    timeline = folium.plugins.Timeline({
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [38.0, 35.0]},
                      "properties": {"start": "2018-06-01", "end": "2018-06-02"}}],
    }).add_to(m)
    folium.plugins.TimelineSlider(auto_play=False).add_timelines(timeline).add_to(m)
    folium.plugins.AntPath([[35.0, 38.0], [36.0, 39.0]]).add_to(m)
    folium.plugins.Fullscreen().add_to(m)
    folium.plugins.MiniMap().add_to(m)
    folium.plugins.HeatMap([[35.0, 38.0, 0.5], [35.5, 38.5, 1.0]]).add_to(m)
    line = folium.PolyLine([[35.0, 38.0], [36.0, 40.0]]).add_to(m)
    folium.plugins.PolyLineTextPath(line, "\u25ba", repeat=True).add_to(m)
    return m


def linked_urls(m: folium.Map) -> list[str]:
    return TAG_URL.findall(m.get_root().render())


# --- coverage of folium's URLs -------------------------------------------------------


def test_every_url_of_covered_classes_has_a_local_file():
    by_url = assets.all_folium_asset_urls()
    covered = set(assets.COVERED_CLASSES)
    needed = {u for u, classes in by_url.items() if covered & set(classes)}
    assert needed, "found no folium asset URLs at all"
    assert needed <= set(assets.URL_MAP), sorted(needed - set(assets.URL_MAP))
    files = assets.expected_files()
    assert all(rel in files for rel in assets.URL_MAP.values())
    # What is left uncovered belongs only to plugins we do not use.
    for url, classes in assets.uncovered_urls().items():
        assert not covered & set(classes), url


def test_folium_module_defaults_are_covered():
    import folium.folium as ff

    for name in ("_default_js", "_default_css"):
        for _, url in getattr(ff, name, []):
            assert url in assets.URL_MAP, url


# --- local assets ------------------------------------------------------------------------


def test_rendered_map_links_only_local_files(installed):
    assert assets.use_local_assets(installed) is True
    urls = linked_urls(demo_map())
    assert urls, "the map links no assets?"
    remote = [u for u in urls if u.startswith(("http://", "https://", "//"))]
    assert not remote, remote
    paths = assets.local_asset_paths(installed)
    for u in urls:
        assert u.startswith("/app/static/vendor/"), u
        assert paths[u].is_file(), u


def test_rewrite_is_idempotent_and_reversible(installed):
    assert assets.use_local_assets(installed)
    first = linked_urls(demo_map())
    assert assets.use_local_assets(installed)
    assert linked_urls(demo_map()) == first
    assert assets.use_local_assets(installed, url_prefix="/base/app/static/vendor/")
    assert all(u.startswith("/base/app/static/vendor/") for u in linked_urls(demo_map()))
    assets.reset_asset_urls()
    assert all(u.startswith("https://") for u in linked_urls(demo_map()))


def test_installed_basemap_is_valid_geojson(installed):
    for detail, at_least in (("50m", 200), ("110m", 150)):
        fc = json.loads(assets.basemap_path(installed, detail=detail).read_text(encoding="utf-8"))
        assert_valid_geojson(fc)
        assert len(fc["features"]) >= at_least
        assert all(f["properties"]["name"] for f in fc["features"])
        names = {f["properties"]["name"] for f in fc["features"]}
        assert {"Syria", "Iraq", "Turkey", "Lebanon"} <= names


# --- fallback ------------------------------------------------------------------------------


def test_fallback_warns_once_and_uses_only_pinned_cdn_urls(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="conflictmap.assets")
    assert assets.use_local_assets(tmp_path / "nothing-here") is False
    warnings = [r for r in caplog.records if r.name == "conflictmap.assets" and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "falling back to pinned CDN copies" in warnings[0].getMessage()
    assert str(tmp_path / "nothing-here") in warnings[0].getMessage()

    urls = linked_urls(demo_map())
    assert urls
    for u in urls:
        assert u.startswith("https://"), u
        assert assets.is_pinned_url(u), f"unpinned: {u}"
    html = demo_map().get_root().render()
    assert "folium@main" not in html and "/gh/python-visualization/folium/folium/" not in html
    assert f"folium@{assets.FOLIUM_TAG}/folium/templates/leaflet_heat.min.js" in html

    assert assets.use_local_assets(tmp_path / "nothing-here") is False  # every rerun
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


def test_fallback_after_local_goes_back_to_cdn(installed, tmp_path):
    assert assets.use_local_assets(installed)
    assert not assets.use_local_assets(tmp_path)
    assert all(u.startswith("https://") and assets.is_pinned_url(u) for u in linked_urls(demo_map()))


def test_is_pinned_url():
    assert assets.is_pinned_url("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")
    assert assets.is_pinned_url("https://code.jquery.com/jquery-3.7.1.min.js")
    assert assets.is_pinned_url("https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.js")
    assert not assets.is_pinned_url(
        "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js")
    assert not assets.is_pinned_url("https://unpkg.com/@geoman-io/leaflet-geoman-free@latest/dist/leaflet-geoman.js")
    assert not assets.is_pinned_url("https://unpkg.com/leaflet-control-geocoder/dist/Control.Geocoder.js")


# --- install with a fake npm ------------------------------------------------------------------

FAKE_NPM = """#!{python}
import os, shutil, sys
args = sys.argv[1:]
if os.environ.get("FAKE_NPM_FAIL"):
    sys.exit("npm ERR! 404 Not Found")
assert args[0] == "pack", args
spec, dest = args[1], args[args.index("--pack-destination") + 1]
name, _, version = spec.rpartition("@")
src = os.path.join(os.environ["FAKE_NPM_DIR"], f"{{name}}-{{version}}.tgz")
with open(os.path.join(os.environ["FAKE_NPM_DIR"], "calls.log"), "a") as f:
    f.write(spec + "\\n")
shutil.copy(src, dest)
"""


def make_tarball(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for path, body in files.items():
            info = tarfile.TarInfo(f"package/{path}")
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return buf.getvalue()


def fake_package(version: str, files: dict[str, bytes], tarball_dir: Path) -> assets.Package:
    data = make_tarball(files)
    (tarball_dir / f"fake-lib-{version}.tgz").write_bytes(data)
    return assets.Package("fake-lib", version, assets.npm_integrity(data),
                          {p: assets._sha256(b) for p, b in files.items() if p != "src/in.txt"},
                          inputs={"src/in.txt": assets._sha256(files["src/in.txt"])})


@pytest.fixture
def fake_npm(tmp_path, monkeypatch):
    """A fake npm plus a one-package manifest; returns (npm path, tarball dir)."""
    tarballs = tmp_path / "tarballs"
    tarballs.mkdir()
    npm = tmp_path / "npm"
    npm.write_text(FAKE_NPM.format(python=sys.executable))
    npm.chmod(0o755)
    monkeypatch.setenv("FAKE_NPM_DIR", str(tarballs))
    monkeypatch.delenv("FAKE_NPM_FAIL", raising=False)
    v1 = {"LICENSE": b"MIT\n", "dist/a.js": b"var a = 1;\n", "src/in.txt": b"made"}
    monkeypatch.setattr(assets, "PACKAGES", (fake_package("1.0.0", v1, tarballs),))
    body = b"/* made */\n"
    monkeypatch.setattr(assets, "GENERATED", {"generated/x.css": assets.Generated(
        "generated/x.css", assets._sha256(body),
        lambda read: b"/* " + read("fake-lib", "src/in.txt") + b" */\n")})
    return npm, tarballs


def snapshot(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_install_writes_verified_files_and_is_idempotent(fake_npm, tmp_path):
    npm, tarballs = fake_npm
    dest = tmp_path / "static" / "vendor"
    report = assets.install_assets(dest, npm=str(npm))
    assert report.changed
    assert snapshot(dest) == {"npm/fake-lib@1.0.0/LICENSE": b"MIT\n", "npm/fake-lib@1.0.0/dist/a.js": b"var a = 1;\n",
                              "generated/x.css": b"/* made */\n"}
    assert assets.verify_install(dest) == []
    again = assets.install_assets(dest, npm=str(tmp_path / "no-such-npm"))  # must not run npm at all
    assert not again.changed
    assert "nothing to do" in again.summary()
    assert (tarballs / "calls.log").read_text().splitlines() == ["fake-lib@1.0.0"]
    assert sorted(p.name for p in dest.parent.iterdir()) == ["vendor"]  # no stage left behind


def test_check_detects_corrupted_and_missing_files(fake_npm, tmp_path, capsys):
    npm, _ = fake_npm
    dest = tmp_path / "vendor"
    assets.install_assets(dest, npm=str(npm))
    assert assets.main(["check", "--dest", str(dest)]) == 0

    (dest / "npm/fake-lib@1.0.0/dist/a.js").write_bytes(b"var a = 2;\n")
    (dest / "generated/x.css").unlink()
    capsys.readouterr()
    assert assets.main(["check", "--dest", str(dest)]) == 1
    err = capsys.readouterr().err
    assert "sha256 mismatch: npm/fake-lib@1.0.0/dist/a.js" in err
    assert "missing: generated/x.css" in err
    # install repairs it
    assert assets.install_assets(dest, npm=str(npm)).changed
    assert assets.verify_install(dest) == []


def test_integrity_mismatch_aborts_and_keeps_previous_install(fake_npm, tmp_path, monkeypatch):
    npm, tarballs = fake_npm
    dest = tmp_path / "vendor"
    assets.install_assets(dest, npm=str(npm))
    before = snapshot(dest)

    v2 = fake_package("1.0.1", {"LICENSE": b"MIT\n", "dist/a.js": b"var a = 'v2';\n", "src/in.txt": b"made"}, tarballs)
    wrong = "sha512-" + "A" * 86 + "=="
    monkeypatch.setattr(assets, "PACKAGES", (dataclasses.replace(v2, integrity=wrong),))
    with pytest.raises(assets.IntegrityError) as exc:
        assets.install_assets(dest, npm=str(npm))
    msg = str(exc.value)
    assert "fake-lib@1.0.1" in msg and wrong in msg and v2.integrity in msg
    assert snapshot(dest) == before
    assert sorted(p.name for p in dest.parent.iterdir()) == sorted(["vendor", "npm", "tarballs"])

    assert assets.main(["install", "--dest", str(dest), "--npm", str(npm)]) == 1  # CLI: clean exit code


def test_file_hash_mismatch_inside_a_good_tarball_is_refused(fake_npm, tmp_path, monkeypatch):
    npm, _ = fake_npm
    (pkg,) = assets.PACKAGES
    bad = dataclasses.replace(pkg, files={**pkg.files, "dist/a.js": "0" * 64})
    monkeypatch.setattr(assets, "PACKAGES", (bad,))
    dest = tmp_path / "vendor"
    with pytest.raises(assets.IntegrityError, match=re.escape("fake-lib@1.0.0/dist/a.js")):
        assets.install_assets(dest, npm=str(npm))
    assert not dest.exists()


def test_npm_failure_is_a_clear_error(fake_npm, tmp_path, monkeypatch):
    npm, _ = fake_npm
    monkeypatch.setenv("FAKE_NPM_FAIL", "1")
    with pytest.raises(assets.AssetError, match=r"(?s)npm pack fake-lib@1\.0\.0 failed.*404"):
        assets.install_assets(tmp_path / "vendor", npm=str(npm))
    with pytest.raises(assets.AssetError, match="not found"):
        assets.install_assets(tmp_path / "vendor", npm=str(tmp_path / "no-such-npm"))


def test_pins_look_like_npm_integrity_and_sha256():
    for pkg in assets.PACKAGES:
        assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", pkg.integrity), pkg.spec
        assert re.fullmatch(r"\d+\.\d+\.\d+", pkg.version), pkg.spec
    for rel, sha in assets.expected_files().items():
        assert re.fullmatch(r"[0-9a-f]{64}", sha), rel


# --- TopoJSON ---------------------------------------------------------------------------------

# Two unit squares sharing the edge x=1; the right one walks that edge backwards (arc ~0 = -1).
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
    "arcs": [
        [[2, 0], [0, 4]],                          # (11,20) -> (11,21): the shared edge
        [[2, 4], [-2, 0], [0, -4], [2, 0]],        # (11,21) -> (10,21) -> (10,20) -> (11,20)
        [[2, 0], [2, 0], [0, 4], [-2, 0]],         # (11,20) -> (12,20) -> (12,21) -> (11,21)
    ],
    "objects": {"countries": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[0, 1]], "id": "1", "properties": {"name": "West"}},
        {"type": "Polygon", "arcs": [[2, -1]], "properties": {"name": "East"}},
        {"type": "MultiPolygon", "arcs": [[[0, 1]], [[2, -1]]], "properties": {"name": "Both"}},
        {"type": None, "properties": {"name": "Nowhere"}},
    ]}},
}
WEST = [[11.0, 20.0], [11.0, 21.0], [10.0, 21.0], [10.0, 20.0], [11.0, 20.0]]
EAST = [[11.0, 20.0], [12.0, 20.0], [12.0, 21.0], [11.0, 21.0], [11.0, 20.0]]


def assert_valid_geojson(fc: dict) -> None:
    assert fc["type"] == "FeatureCollection"
    for f in fc["features"]:
        assert f["type"] == "Feature" and isinstance(f["properties"], dict)
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        assert g["type"] in ("Polygon", "MultiPolygon") and polys
        for poly in polys:
            assert poly
            for ring in poly:
                assert len(ring) >= 4 and ring[0] == ring[-1]
                for lon, lat in ring:
                    assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_topojson_decoder_quantized_with_negative_arc():
    fc = assets.topojson_to_geojson(TOPOLOGY, "countries")
    assert_valid_geojson(fc)
    west, east, both = fc["features"]  # the null geometry is dropped
    assert west == {"type": "Feature", "id": "1", "properties": {"name": "West"},
                    "geometry": {"type": "Polygon", "coordinates": [WEST]}}
    assert east["geometry"] == {"type": "Polygon", "coordinates": [EAST]}
    assert both["geometry"] == {"type": "MultiPolygon", "coordinates": [[WEST], [EAST]]}
    json.dumps(fc, allow_nan=False)


def test_topojson_decoder_rounds_and_drops_degenerate_rings():
    topo = {"type": "Topology", "arcs": [[[0.00001, 0.0], [0.00002, 0.0], [0.00003, 0.0], [0.00001, 0.0]],
                                          [[1.23456789, 2.0], [3.0, 2.0], [3.0, 4.0], [1.23456789, 2.0]]],
            "objects": {"o": {"type": "GeometryCollection", "geometries": [
                {"type": "Polygon", "arcs": [[0]], "properties": {"name": "tiny"}},
                {"type": "Polygon", "arcs": [[1]], "properties": {"name": "ok"}}]}}}
    fc = assets.topojson_to_geojson(topo, "o", precision=4)
    assert [f["properties"]["name"] for f in fc["features"]] == ["ok"]
    assert fc["features"][0]["geometry"]["coordinates"][0][0] == [1.2346, 2.0]


def test_glyphicons_css_keeps_only_glyphicon_rules():
    css = """/* c */ body{color:red} @font-face{font-family:"Other";src:url(x)}
    @font-face{font-family:"Glyphicons Halflings";src:url("../fonts/g.eot")}
    .glyphicon{top:1px} .glyphicon-plus:before{content:"\\002b"} .btn .glyphicon{x:y}
    @media print{.glyphicon-x{a:b}}"""
    out = assets.glyphicons_css(css)
    assert 'font-family:"Glyphicons Halflings"' in out
    assert ".glyphicon{top:1px}" in out and '.glyphicon-plus:before{content:"\\002b"}' in out
    assert "Other" not in out and "body" not in out and ".btn" not in out and "@media" not in out

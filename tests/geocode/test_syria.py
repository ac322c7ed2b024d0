"""conflictmap.geocode.syria: governorates by any spelling, and the checks that flag a candidate."""

from __future__ import annotations

import pytest

from conflictmap.geocode import NOMINATIM, Candidate, check_candidate, find_governorate


@pytest.mark.parametrize("label, code", [
    ("Deir ez-Zor", "07"), ("Dayr az Zawr", "07"), ("دير الزور", "07"), ("Ar-Raqqah", "04"), ("Raqqa", "04"),
    ("الرقة", "04"), ("Al-Hasakah", "01"), ("Latakia", "02"), ("Damascus", "13"), ("دمشق", "13"),
    ("ريف دمشق", "08"), ("Rural Damascus", "08"), ("SY.11", "11"), ("Idleb", "12"),
])
def test_find_governorate_accepts_spellings_and_codes(label, code):
    assert find_governorate(label).code == code


def test_find_governorate_unknown_is_none():
    assert find_governorate("Moscow") is None


def test_check_candidate_flags_wrong_country_and_distant_governorate():
    c = Candidate("X", 33.3, 44.4, NOMINATIM, "test", 1000, country="IQ")
    assert "'IQ'" in check_candidate(c, country="SY").flags[0]
    near = Candidate("Hajin", 34.695, 40.831, NOMINATIM, "test", 1000, country="SY")
    assert check_candidate(near, admin1="Deir ez-Zor").accepted
    flagged = check_candidate(near, admin1="Latakia")
    assert not flagged.accepted and "Latakia governorate" in flagged.flags[0]
    assert check_candidate(near, admin1="Deir ez-Zor", max_km=5).flags  # --max-km tightens the limit

"""Fixtures of the geocoding tests: the loopback Nominatim stub, a fake clock, a data directory with gaps."""

from __future__ import annotations

import pytest

from tests.conftest import event, place
from tests.geocode.helpers import FakeClock
from tests.nominatim_stub import NominatimStub


@pytest.fixture
def stub():
    with NominatimStub() as s:
        yield s


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def gap_data(make_data):
    """A data directory where Hajin lacks its coordinate and events use two ids places.csv lacks."""
    places = [place("ain-issa", 36.3855, 38.86228, name_en="Ain Issa"),
              place("hajin", "", "", name_en="Hajin", name_ar="هجين", admin1="Deir ez-Zor", coord_source="")]
    events = [event("e1", "2018-06-03", place_ids="ain-issa;hajin", place_relation="between"),
              event("e2", "2018-06-04", place_ids="al-bab;qaryat-xyzzy", place_relation="between")]
    return make_data(places=places, events=events)

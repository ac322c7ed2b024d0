"""conflictmap.geocode.cache: no query sent twice, even from a new process; an unreadable cache kept aside."""

from __future__ import annotations

import json

from conflictmap.geocode.cache import CACHE_FILENAME, GeocodeCache
from tests.geocode.helpers import online
from tests.nominatim_stub import Answer, result


def test_cache_prevents_a_second_request_even_from_a_new_process(stub, tmp_path, clock):
    stub.answers["Dashisha"] = Answer([result("Dashisha", 36.05, 41.25)])
    first = online(stub, tmp_path, clock)
    first.search("Dashisha")
    second = online(stub, tmp_path, clock)  # a fresh object reading the cache file: as after a restart
    assert [c.lat for c in second.search("Dashisha")] == [36.05]
    assert stub.queries == ["Dashisha"]
    other_language = online(stub, tmp_path, clock, language="ar")
    other_language.search("Dashisha")
    assert stub.queries == ["Dashisha", "Dashisha"]  # keyed by language too
    doc = json.loads((tmp_path / CACHE_FILENAME).read_text(encoding="utf-8"))
    assert len(doc["entries"]) == 2


def test_an_unreadable_cache_is_set_aside_not_lost(tmp_path):
    path = tmp_path / CACHE_FILENAME
    path.write_bytes(b'{"entries": [broken')
    cache = GeocodeCache(path)
    assert len(cache) == 0
    cache.put(GeocodeCache.key("http://x", "q"), [])
    assert (tmp_path / (CACHE_FILENAME + ".unreadable")).read_bytes() == b'{"entries": [broken'
    assert GeocodeCache(path).get(GeocodeCache.key("http://x", "q")) == []

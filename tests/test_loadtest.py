"""The browserless load generator (benchmarks/loadtest.py): it only ever targets loopback, and its percentiles."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import loadtest


@pytest.mark.parametrize("url", ["http://example.org:8501", "http://10.0.0.5:8501", "https://127.0.0.1:8501",
                                 "http://localhost:8501", "http://127.0.0.1", "http://127.0.0.2:8501"])
def test_targets_other_than_127_0_0_1_are_refused(url):
    with pytest.raises(SystemExit, match="loopback only"):
        loadtest.loopback(url)


def test_a_loopback_url_is_accepted_without_its_path():
    assert loadtest.loopback("http://127.0.0.1:8501/some/page?x=1") == "http://127.0.0.1:8501"


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(1, 21)]  # 1..20
    assert loadtest.percentile(values, 50) == 10.0
    assert loadtest.percentile(values, 95) == 19.0
    assert loadtest.percentile([3.5], 95) == 3.5


def test_visitor_count_is_capped():
    with pytest.raises(SystemExit):
        loadtest.main(["--visitors", str(loadtest.MAX_VISITORS + 1)])

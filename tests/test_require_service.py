"""tests/conftest.py's require_service: a skip locally, a failure in CI."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

NEEDS_A_SERVICE = '''
from tests.conftest import require_service

def test_needs_the_service():
    require_service("the frobnicator", "apt-get install frobnicator")
'''


@pytest.mark.parametrize(("ci", "outcome"), [("", "1 skipped"), ("0", "1 skipped"), ("false", "1 skipped"),
                                             ("no", "1 skipped"), ("true", "1 failed"), ("1", "1 failed"),
                                             ("yes", "1 failed"), ("github", "1 failed")])
def test_a_missing_service_skips_with_the_command_and_fails_under_ci(tmp_path, ci, outcome):
    test_file = tmp_path / "test_needs_service.py"
    test_file.write_text(NEEDS_A_SERVICE, encoding="utf-8")
    env = {**os.environ, "CI": ci, "PYTHONPATH": str(REPO)}
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rsf", "-p", "no:cacheprovider", str(test_file)],
                       capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert outcome in r.stdout, r.stdout
    assert "apt-get install frobnicator" in r.stdout

#!/usr/bin/env bash
# Install into .venv and run lint plus the whole test suite (unit, app and browser tests).
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv
.venv/bin/pip install -q -r requirements-dev.txt
.venv/bin/python -m conflictmap assets install
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"

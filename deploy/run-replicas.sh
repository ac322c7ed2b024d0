#!/usr/bin/env bash
# N Streamlit replicas behind a sticky, WebSocket-aware nginx, in the foreground (docs/deploy.md).
#   bash deploy/run-replicas.sh --replicas 2 --port 8080
# Prints "proxy: http://..." once everything answers; Ctrl-C (or SIGTERM) stops nginx and the replicas.
# CONFLICTMAP_DATA, CONFLICTMAP_DATABASE_URL and the rest of the environment reach every replica unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
[ -x "$PY" ] || PY=python3
exec "$PY" -m deploy.replicas "$@"

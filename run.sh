#!/usr/bin/env bash
# Install into .venv and run the dashboard on the bundled data: http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv
.venv/bin/pip install -q -r requirements.txt
.venv/bin/python -m conflictmap assets install   # Leaflet, the export's time slider, offline basemap; pinned, hash-checked
exec .venv/bin/streamlit run app.py "$@"

"""Real-browser tests: Debian's Chromium, driven by Playwright, against `streamlit run app.py`."""

"""Self-hosting: several Streamlit replicas behind nginx (see docs/deploy.md)."""

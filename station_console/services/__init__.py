"""The domain: plain Python over `db/` and `hardware/`. Never imports Textual."""

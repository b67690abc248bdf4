"""The agency's figures: read from the counters and the ingest reports (adapters), shaped by
domain/figures.py, written as the daily summary (production) or a table and chart (`make report`)."""

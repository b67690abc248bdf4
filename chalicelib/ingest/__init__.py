"""Batch files from the agency: read as a stream, each row validated, written in batches, reported."""

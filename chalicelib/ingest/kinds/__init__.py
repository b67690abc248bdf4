"""Each kind of batch file (see `catalog`), and how a row becomes a record (see `spec`)."""

from chalicelib.ingest.kinds.catalog import KINDS
from chalicelib.ingest.kinds.spec import Context, Kind, MissingIdHashKey, Record, RowError, parse_row

__all__ = ["KINDS", "Context", "Kind", "MissingIdHashKey", "Record", "RowError", "parse_row"]

"""The bundle's record formats, with no storage: what the exporter writes and the verifier
re-computes (canonical JSON, audit records and their chain, timeline entries, form
versions). Nothing here opens a vault, so ``rvr-verify`` can use it alone."""

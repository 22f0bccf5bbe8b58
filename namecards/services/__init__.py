"""The services layer: use cases that combine domain parts (scanning, exchange, follow-ups,
briefing, readiness, due, stats, backup, doctor, the scan review queue, the TUI read models)."""

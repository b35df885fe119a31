"""Wijkkracht: the daily tool of an integrated social team (integraal sociaal wijkteam)."""

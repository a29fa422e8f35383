"""Fixtures of the graph layer (owned by the graph-layer work)."""

"""Fixtures that start a real HTTP server on 127.0.0.1 (owned by the server work)."""

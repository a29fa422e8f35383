"""Shared fixtures. Each area keeps its fixtures in its own module, imported here."""

from tests.fixtures_paths import gold_dir, seeds_dir, shared_dir  # noqa: F401
from tests.fixtures_store import *  # noqa: F401,F403  (graph layer: stores built from records)
from tests.fixtures_server import *  # noqa: F401,F403  (a live HTTP server on 127.0.0.1)
from tests.fixtures_reliability import hostile_server, mutated_run, reliability_figures  # noqa: F401  (fault, fuzz and load tests)

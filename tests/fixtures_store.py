"""Fixtures of the graph layer: gold records and real on-disk stores built from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.records import ExtractionRecord, load_records
from graph.store import GraphStore, open_store
from tests.fixtures_paths import GOLD_DIR

__all__ = ["gold_records", "gold_store", "store", "load_gold_records"]


def load_gold_records(gold_dir: Path = GOLD_DIR) -> list[ExtractionRecord]:
    """Every gold record of ``../shared/seeds-gold`` (sorted by file name)."""
    return [record for path in sorted(gold_dir.glob("*.json")) for record in load_records(path)]


@pytest.fixture(scope="session")
def gold_records(gold_dir) -> list[ExtractionRecord]:
    """All gold records (read in place from ../shared/seeds-gold)."""
    return load_gold_records(gold_dir)


@pytest.fixture(scope="session")
def gold_store(gold_records, tmp_path_factory) -> GraphStore:
    """A session-wide on-disk store with every gold record ingested and merged. Read-only use, please."""
    path = tmp_path_factory.mktemp("gold-store") / "store"
    graph_store = open_store(path)
    result = graph_store.ingest_records(gold_records)
    assert not result.failed, result.failed
    yield graph_store
    graph_store.close()


@pytest.fixture
def store(tmp_path) -> GraphStore:
    """A fresh, empty on-disk store in this test's tmp_path."""
    graph_store = open_store(tmp_path / "store")
    yield graph_store
    graph_store.close()

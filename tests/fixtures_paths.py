"""Where the shared material lives: read in place from ../shared, never copied."""

from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
SHARED_DIR = PROJECT_DIR.parent / "shared"
SEEDS_DIR = SHARED_DIR / "seeds"
GOLD_DIR = SHARED_DIR / "seeds-gold"
W3C_DIR = SHARED_DIR / "w3c-sparql11"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    assert SHARED_DIR.is_dir(), f"{SHARED_DIR} is missing: the tests read ../shared beside the project"
    return SHARED_DIR


@pytest.fixture(scope="session")
def seeds_dir(shared_dir) -> Path:
    return SEEDS_DIR


@pytest.fixture(scope="session")
def gold_dir(shared_dir) -> Path:
    return GOLD_DIR

"""The README documents every setting and every CLI subcommand (datasette's test_docs idea)."""

from pathlib import Path

import pytest

from graph.settings import SETTINGS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented(setting):
    assert setting.env in README, f"README.md does not mention {setting.env}"
    option = "--" + setting.name.replace("_", "-")
    assert option in README or setting.name in README, f"README.md does not mention {option}"


def test_every_cli_command_is_documented():
    from graph.cli import main

    missing = [name for name in main.commands if f"sinoeu-kg {name}" not in README]
    assert not missing, f"README.md has no example for: {', '.join(missing)}"

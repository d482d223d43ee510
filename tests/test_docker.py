"""docker/ cannot be run here: check that it says only what the command line and the settings accept."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from typer.main import get_command

from service.cli import app
from service.config import Settings

DOCKER = Path(__file__).resolve().parent.parent / "docker"


def check_command(argv: list[str]) -> None:
    assert argv[0] == "jiuzhu", argv
    command = get_command(app)
    name, *options = argv[1:]
    sub = command.commands[name]  # type: ignore[attr-defined]
    known = {opt for param in sub.params for opt in param.opts}
    for option in options:
        if option.startswith("--"):
            assert option in known, f"{name} has no option {option}"


def test_compose_commands_and_settings_exist() -> None:
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    fields = {f"JIUZHU_{name.upper()}" for name in Settings.model_fields}
    for name in ("api", "worker"):
        service = compose["services"][name]
        check_command(service["command"])
        for variable in service["environment"]:
            assert variable in fields, f"{name}: {variable} is not a setting"
    assert compose["services"]["postgres"]["image"] == "postgres:15"


def test_dockerfile_command_exists() -> None:
    found = re.search(r"^CMD (\[.*\])$", (DOCKER / "Dockerfile").read_text(), re.M)
    assert found
    check_command(json.loads(found.group(1)))

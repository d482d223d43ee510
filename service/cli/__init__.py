"""The ``jiuzhu`` command: one module per group of commands, all on one typer app (``base.app``)."""

from __future__ import annotations

import sys

from . import audit, regions, registers, serving, users  # noqa: F401  (each registers its commands)
from .base import app, sentence

__all__ = ["app", "main", "sentence"]


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)

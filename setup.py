"""The wheel carries the project's top-level ``processes/`` and ``migrations/`` inside the package.

They stay at the top of the repository, where designers and schema changes live; a wheel build
copies them to ``service/bundled/`` so that an installed ``jiuzhu`` migrates, deploys and serves
from any folder (``service.config.shipped`` finds them). An editable install uses the checkout's
own folders and copies nothing. Everything else is in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = ("processes", "migrations")
HERE = Path(__file__).resolve().parent


class BuildWithShippedFolders(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for name in SHIPPED:
            target = Path(self.build_lib) / "service" / "bundled" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(HERE / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.py[cod]"))


setup(cmdclass={"build_py": BuildWithShippedFolders})

"""Settings, read once from the environment (prefix ``JIUZHU_``)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent  # the checkout, when running from one


def shipped(name: str) -> Path:
    """A top-level folder of the project (``processes``, ``migrations``) on disk.

    An installed wheel carries a copy inside the package (``service/bundled/<name>``, see
    ``setup.py``); a checkout (editable install, tests) uses its own top-level folder.
    """
    bundled = resources.files(__package__).joinpath("bundled", name)
    return Path(str(bundled)) if bundled.is_dir() else ROOT / name


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JIUZHU_", extra="ignore")

    database_url: str = "sqlite:///./jiuzhu.db"
    auto_migrate: bool = True
    timers_in_server: bool = True
    fake_clock: bool = False
    timer_poll_seconds: float = 1.0
    timer_batch: int = 50
    timer_claim_timeout: float = 60.0
    processes_dir: Path = shipped("processes")
    default_rule_pack: str = "shulan-2023"
    token_days: int = 365
    max_body_bytes: int = 2_500_000
    public_report_limit: int = 5  # reports taken from one client per window (监督举报 is public: bound it)
    public_report_window_seconds: int = 3600
    public_report_max_bytes: int = 20_000  # a report's body; larger → 413
    log_level: str = "info"


@lru_cache
def get_settings() -> Settings:
    return Settings()

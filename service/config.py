"""Settings, read once from the environment (prefix ``JIUZHU_``)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated

from pydantic import Field
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
    outbox_poll_seconds: float = 0.5
    outbox_batch: int = 100
    processes_dir: Path = shipped("processes")
    default_rule_pack: str = "national-2021"
    token_days: int = 365
    max_body_bytes: int = 2_500_000
    public_report_limit: int = 5  # reports taken from one client per window (监督举报 is public: bound it)
    public_report_window_seconds: int = 3600
    public_report_max_bytes: int = 20_000  # a report's body; larger → 413
    log_level: str = "info"
    metrics_token: str | None = None  # when set, /metrics answers only "Authorization: Bearer <token>"
    # the audit log's MAC key, kept outside the database (README, "Security"): the secret, or a file holding it
    audit_key: str | None = None
    audit_key_file: Path | None = None
    # what one evaluation of a diagram's expression or script may do (README, "Security")
    expression_max_source: Annotated[int, Field(ge=1)] = 4000
    expression_max_size: Annotated[int, Field(ge=100)] = 100_000
    expression_max_int_bits: Annotated[int, Field(ge=64)] = 4096
    expression_max_steps: Annotated[int, Field(ge=1)] = 10_000
    expression_cpu_seconds: Annotated[float, Field(gt=0)] = 0.5
    # what one diagram may make the engine do
    engine_max_instances: Annotated[int, Field(ge=1)] = 1000
    engine_max_cycle_catchup: Annotated[int, Field(ge=1)] = 100
    engine_max_call_depth: Annotated[int, Field(ge=1)] = 5
    engine_max_steps: Annotated[int, Field(ge=1)] = 2000
    engine_operation_cpu_seconds: Annotated[float, Field(gt=0)] = 10.0
    # restored case workflows kept in each process's memory (README, "Performance"); 0: none
    workflow_cache_size: Annotated[int, Field(ge=0)] = 256


@lru_cache
def get_settings() -> Settings:
    return Settings()

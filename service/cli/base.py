"""What every ``jiuzhu`` command shares: the app, its sub-apps, refusals as sentences, the services."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console

from ..config import get_settings

if TYPE_CHECKING:
    from ..auth.models import User
    from ..services import Services

app = typer.Typer(help="Jiuzhu 救助: BPMN-driven social-assistance approvals.", no_args_is_help=True, add_completion=False)
user_app = typer.Typer(help="Users and API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(audit_app, name="audit")
deaths_app = typer.Typer(help="The death register (殡葬信息).", no_args_is_help=True)
payroll_app = typer.Typer(help="Payment rosters (发放名册).", no_args_is_help=True)
app.add_typer(deaths_app, name="deaths")
app.add_typer(payroll_app, name="payroll")
err = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"jiuzhu {version('jiuzhu')}")
        raise typer.Exit()


@app.callback()
def options(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                  help="print the version and exit")] = False) -> None:
    """Jiuzhu 救助: BPMN-driven social-assistance approvals."""


def sentence(detail: Any) -> str:
    """A refusal as a sentence: each problem with the field it is about, never a Python repr."""
    if isinstance(detail, list):
        return " ".join(sentence(p) for p in detail)
    if isinstance(detail, dict):
        fields = [str(part) for part in detail.get("loc", []) if part not in ("body", "query", "path")]
        text = str(detail.get("msg") or detail.get("reason") or "refused")
        named = not fields or text.lower().startswith(fields[-1].lower())  # "role must be one of ..." names its field
        return sentence(text if named else f"{fields[-1]}: {text}")
    text = str(detail).strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "。", "?", "!", "）")) else ".")


def refuse(detail: Any) -> NoReturn:
    err.print(f"[red]Refused:[/red] {sentence(detail)}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def open_services() -> Services:
    from ..followers import build_services

    return build_services(get_settings())


def setup_logging() -> None:
    logging.basicConfig(level=get_settings().log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # SpiffWorkflow logs every task state change at INFO: dozens of lines per step, and their cost.
    # A case's story is in the audit log; the engine's own warnings still show.
    logging.getLogger("spiff").setLevel(max(logging.WARNING, logging.getLogger().level))


def refused(exc: Exception) -> typer.Exit:
    from ..errors import ServiceError

    detail = exc.detail if isinstance(exc, ServiceError) else str(exc)
    err.print(f"[red]Refused:[/red] {sentence(detail)}", highlight=False, soft_wrap=True)
    return typer.Exit(1)


def cli_user() -> User:
    from ..auth.models import User

    return User(name="cli", role="admin", region="000000000000")

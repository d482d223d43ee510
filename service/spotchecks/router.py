"""REST endpoint for the county's spot-check draws (抽查)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ..auth.service import require_role
from ..deps import CurrentUser, SessionDep
from . import service
from .schemas import DrawOut, SpotCheckOut

router = APIRouter(prefix="/api/v1/spot-checks", tags=["supervision"])


@router.get("", response_model=list[DrawOut], responses={401: {}, 403: {}, 422: {}})
def list_draws(
    session: SessionDep, user: CurrentUser,
    month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM; all months when absent")] = None,
) -> list[DrawOut]:
    """The monthly spot-check draws in your region, newest month first, with the spot-check cases and their conclusions."""
    require_role(user, "county", "admin")
    out = []
    for draw, checks in service.draws(session, user, month):
        out.append(DrawOut(
            month=draw.month, county=draw.county, kind=draw.kind, rule_pack=draw.rule_pack, ratio=draw.ratio,
            seed=f"{draw.month}|{draw.county}|{draw.kind}", method=draw.method, population=draw.population,
            sample=draw.sample, drawn_at=draw.drawn_at,
            checks=[SpotCheckOut(case_id=c.id, number=c.number, subject_number=c.application.get("subject", ""), status=c.status,
                                 conclusion=(c.facts or {}).get("conclusion")) for c in checks],
        ))
    return out


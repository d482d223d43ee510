"""REST endpoints of the region register: names and labels for codes, one region with the regions below it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from ..auth.service import require_role
from ..deps import CurrentUser, SessionDep
from ..errors import Invalid, NotFound, problem
from ..roles import ADMIN, COUNTY, DESIGNER, TOWNSHIP, VILLAGE
from . import service
from .models import Region
from .schemas import RegionChild, RegionName, RegionOut

router = APIRouter(prefix="/api/v1/regions", tags=["regions"])
READERS = (VILLAGE, TOWNSHIP, COUNTY, DESIGNER, ADMIN)
MAX_CODES = 200
MAX_CHILDREN = 1000
ERRORS: dict[int | str, dict[str, Any]] = {401: {"description": "missing or invalid token"}, 403: {}}
NAMES_EXAMPLE = {"220283": {"name": "舒兰市", "label": "吉林省 吉林市 舒兰市"},
                 "220283101001": {"name": "红星村", "label": "吉林省 吉林市 舒兰市 溪河镇 红星村"},
                 "220283199001": {"name": "220283199001", "label": "吉林省 吉林市 舒兰市 220283199001"}}
REGION_EXAMPLE = {"code": "220283101000", "name": "溪河镇", "label": "吉林省 吉林市 舒兰市 溪河镇", "level": 4, "source": "import",
                  "children": [{"code": "220283101001", "name": "红星村"}, {"code": "220283101002", "name": "新发村"}]}


@router.get("", response_model=dict[str, RegionName], responses={
    **ERRORS, 200: {"content": {"application/json": {"example": NAMES_EXAMPLE}}},
    422: {"description": "a code that is not 2, 4, 6, 9 or 12 digits, or more than 200 codes"}})
def region_names(
    session: SessionDep, user: CurrentUser,
    codes: Annotated[str, Query(max_length=MAX_CODES * 13, description="comma-separated codes (2, 4, 6, 9 or 12 digits), "
                                f"at most {MAX_CODES}", examples=["220283,220283101000"])],
) -> dict[str, RegionName]:
    """Each code → its name and label (吉林省 吉林市 舒兰市 …); a code not on the register falls back to itself."""
    require_role(user, *READERS)
    wanted = list(dict.fromkeys(code.strip() for code in codes.split(",") if code.strip()))
    if not wanted:
        raise Invalid("give at least one code", ("query", "codes"))
    if len(wanted) > MAX_CODES:
        raise Invalid(f"at most {MAX_CODES} codes at once, got {len(wanted)}", ("query", "codes"))
    bad = [code for code in wanted if not service.well_formed(code)]
    if bad:
        raise Invalid([problem(("query", "codes"), f"a region code is 2, 4, 6, 9 or 12 digits, got {code[:20]!r}")
                       for code in bad[:10]])
    return {code: RegionName(name=named.name, label=named.label) for code, named in service.lookup(session, wanted).items()}


@router.get("/{code}", response_model=RegionOut, responses={
    **ERRORS, 200: {"content": {"application/json": {"example": REGION_EXAMPLE}}}, 404: {"description": "not on the register"}})
def region(session: SessionDep, user: CurrentUser,
           code: Annotated[str, Path(pattern=r"^\d{2}(\d{2}(\d{2}(\d{3}(\d{3})?)?)?)?$",
                                     description="2, 4, 6, 9 or 12 digits")]) -> RegionOut:
    """One region on the register, with its label and the regions right below it (a county's townships, a township's villages)."""
    require_role(user, *READERS)
    padded = service.pad(code)
    row = session.get(Region, padded)
    if row is None:
        raise NotFound(f"region {code} is not on the register")
    named = service.lookup(session, [padded])[padded]
    below = service.children(session, padded, MAX_CHILDREN)
    return RegionOut(code=padded, name=row.name, label=named.label, level=row.level, source=row.source,
                     children=[RegionChild(code=child.code, name=child.name) for child in below])

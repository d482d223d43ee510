"""Who the caller is: the pages show it and fill in the caller's region."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from ..deps import CurrentUser

router = APIRouter(prefix="/api/v1", tags=["auth"])


class Me(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {"name": "wang", "role": "township", "region": "220283101000"}})

    name: str
    role: str
    region: str


@router.get("/me", response_model=Me, responses={401: {"description": "missing or invalid token"}})
def me(user: CurrentUser) -> Me:
    """The token's user: name, role and region."""
    return Me(name=user.name, role=user.role, region=user.region)

"""REST endpoints for process definitions (API.md § Process definitions) and what-if runs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Path, UploadFile
from fastapi.responses import Response

from ..auth.service import require_role
from ..clock import local_date
from ..deps import CurrentUser, NowDep, ServicesDep, SessionDep
from ..engine.loader import MAX_BYTES
from ..errors import Invalid
from . import whatif
from .models import Definition
from .schemas import (
    DefinitionList,
    DefinitionOut,
    DeployOut,
    ValidationOut,
    VersionOut,
    WhatIfOut,
)
from .service import Registry

router = APIRouter(prefix="/api/v1/processes", tags=["processes"])
DESIGNERS = ("designer", "admin")
Key = Annotated[str, Path(max_length=100, pattern=r"^[A-Za-z_][A-Za-z0-9_.\-]*$")]
UploadDoc = File(description=".bpmn or .dmn file (BPMN 2.0 / DMN 1.1–1.3 XML), at most 2 MB")
REFUSED: dict[int | str, dict[str, Any]] = {422: {"description": "refused: `detail` lists each problem with `element_id` and `msg`"}}


def read_upload(file: UploadFile) -> bytes:
    data = file.file.read(MAX_BYTES + 1)
    if not data:
        raise Invalid("the file is empty", ("body", "file"))
    return data


def _version(d: Definition) -> VersionOut:
    return VersionOut(version=d.version, name=d.name, checksum=d.checksum, filename=d.filename,
                      deployed_at=d.deployed_at, deployed_by=d.deployed_by)


@router.get("", response_model=DefinitionList, responses={401: {}})
def list_definitions(session: SessionDep, user: CurrentUser) -> DefinitionList:
    """Deployed processes and decisions, each with its versions (oldest first)."""
    grouped: dict[str, list[Definition]] = {}
    for definition in Registry.listing(session):
        grouped.setdefault(definition.key, []).append(definition)
    items = [DefinitionOut(key=key, type=rows[-1].file_type, name=rows[-1].name, newest=rows[-1].version,  # type: ignore[arg-type]
                           versions=[_version(r) for r in rows]) for key, rows in grouped.items()]
    return DefinitionList(items=items)


@router.post("", status_code=201, response_model=DeployOut, responses={401: {}, 403: {}, 409: {}, **REFUSED})
def deploy(services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep,
           file: Annotated[UploadFile, UploadDoc]) -> DeployOut:
    """Deploy a BPMN or DMN file as the next version of its key (designer).

    New cases start on the newest version; running cases stay on theirs unless migrated. A file
    identical to the newest version of its key creates nothing: that version is answered with
    ``created: false``.
    """
    require_role(user, *DESIGNERS)
    done = services.registry.deploy(session, read_upload(file), file.filename or "upload", user.name, now)
    d = done.definition
    out = DeployOut(key=d.key, version=d.version, type=d.file_type, name=d.name, checksum=d.checksum,  # type: ignore[arg-type]
                    created=done.created)
    return out


@router.post("/validate", response_model=ValidationOut, responses={401: {}, 403: {}, **REFUSED})
def validate(services: ServicesDep, session: SessionDep, user: CurrentUser,
             file: Annotated[UploadFile, UploadDoc]) -> ValidationOut:
    """Run every deployment check on a file without deploying it."""
    require_role(user, *DESIGNERS)
    data = read_upload(file)
    checked = services.registry.check(session, data)
    newest = checked.newest.version if checked.newest else None
    return ValidationOut(key=checked.key, type=checked.kind, name=checked.name, checksum=checked.checksum,  # type: ignore[arg-type]
                         newest_version=newest, unchanged=checked.unchanged,
                         would_deploy_as=newest if checked.unchanged and newest else (newest or 0) + 1)


@router.get("/{key}/versions/{version}/xml", responses={200: {"content": {"application/xml": {}}}, 401: {}, 404: {}})
def version_xml(key: Key, version: Annotated[int, Path(ge=1, le=1_000_000)], session: SessionDep, user: CurrentUser) -> Response:
    """The XML of one deployed version, exactly as it was deployed."""
    definition = Registry.get(session, key, version)
    return Response(definition.xml, media_type="application/xml",
                    headers={"Content-Disposition": f'inline; filename="{definition.key}-v{definition.version}.{definition.file_type}"'})


@router.post("/{key}/what-if", response_model=WhatIfOut, responses={401: {}, 403: {}, 404: {}, **REFUSED})
def what_if(key: Key, services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep,
            file: Annotated[UploadFile, File(description="a candidate .dmn decision table or a .yaml rule pack")]) -> WhatIfOut:
    """For each open case of a process in your region: would it route or be timed differently under the candidate?

    Nothing is deployed or written. A DMN candidate replaces the decision of the same id; a rule
    pack replaces the pack of the same id, or, under a new id, applies where it would be chosen.
    """
    require_role(user, "designer", "county", "admin")
    return whatif.run(services, session, user, key, read_upload(file), file.filename or "", local_date(now))

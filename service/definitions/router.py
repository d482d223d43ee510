"""REST endpoints for process definitions (API.md § Process definitions) and what-if runs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from fastapi.responses import Response

from ..auth.service import require_role
from ..clock import local_date
from ..deps import CurrentUser, NowDep, ServicesDep, SessionDep
from ..engine import ProcessError
from ..engine.loader import MAX_BYTES
from ..engine.version_migration import compare
from ..errors import Conflict, Invalid, NotFound
from . import whatif
from .models import Definition
from .schemas import (
    DefinitionList,
    DefinitionOut,
    DeployOut,
    ElementChange,
    ValidationOut,
    VersionDiffOut,
    VersionOut,
    WhatIfOut,
)
from .service import MAX_NOTE, Registry

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
                      deployed_at=d.deployed_at, deployed_by=d.deployed_by, note=d.note, layout_only=d.layout_only)


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
           file: Annotated[UploadFile, UploadDoc],
           note: Annotated[str | None, Form(max_length=MAX_NOTE, description="the change note kept with the version")] = None,
           ) -> DeployOut:
    """Deploy a BPMN or DMN file as the next version of its key (designer).

    New cases start on the newest version; running cases stay on theirs unless migrated. The file
    is compared with the newest version of its key in canonical form (what the process does, then
    its layout), not byte by byte: one that differs only in serialisation — attribute order,
    namespace prefixes, whitespace, the exporter — creates nothing and that version is answered
    with ``created: false``; one whose layout alone changed is a new version with ``layout_only``.
    """
    require_role(user, *DESIGNERS)
    done = services.registry.deploy(session, read_upload(file), file.filename or "upload", user.name, now, note)
    d = done.definition
    out = DeployOut(key=d.key, version=d.version, type=d.file_type, name=d.name, checksum=d.checksum,  # type: ignore[arg-type]
                    created=done.created, layout_only=d.layout_only and done.created, note=d.note)
    return out


@router.post("/validate", response_model=ValidationOut, responses={401: {}, 403: {}, **REFUSED})
def validate(services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep,
             file: Annotated[UploadFile, UploadDoc]) -> ValidationOut:
    """Run every deployment check on a file without deploying it."""
    require_role(user, *DESIGNERS)
    data = read_upload(file)
    checked = services.registry.check(session, data, now)
    newest = checked.newest.version if checked.newest else None
    return ValidationOut(key=checked.key, type=checked.kind, name=checked.name, checksum=checked.checksum,  # type: ignore[arg-type]
                         newest_version=newest, unchanged=checked.unchanged, layout_only=checked.layout_only,
                         same_as=newest if checked.unchanged else None,
                         would_deploy_as=newest if checked.unchanged and newest else (newest or 0) + 1)


@router.get("/{key}/versions/{version}/xml", responses={200: {"content": {"application/xml": {}}}, 401: {}, 404: {}})
def version_xml(key: Key, version: Annotated[int, Path(ge=1, le=1_000_000)], session: SessionDep, user: CurrentUser) -> Response:
    """The XML of one deployed version, exactly as it was deployed: a download, never a page a browser renders."""
    definition = Registry.get(session, key, version)
    name = f"{definition.key}-v{definition.version}.{definition.file_type}"
    return Response(definition.xml, media_type="application/xml", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox"})


@router.get("/{key}/diff", response_model=VersionDiffOut, responses={401: {}, 404: {}, 409: {}})
def version_diff(key: Key, session: SessionDep, services: ServicesDep, user: CurrentUser,
                 from_version: Annotated[int, Query(ge=1, le=1_000_000, description="the older version")],
                 to_version: Annotated[int, Query(ge=1, le=1_000_000, description="the newer version")]) -> VersionDiffOut:
    """The elements added, removed and changed between two versions of a process (the migration diff)."""
    if Registry.get(session, key, from_version).file_type != "bpmn":
        raise NotFound(f"'{key}' is a decision table; compare its rows in the table editor")
    old, new = services.registry.meta(session, key, from_version), services.registry.meta(session, key, to_version)
    try:
        plan = compare(old, new)
    except ProcessError as exc:
        raise Conflict(exc.reason) from None

    def out(items: list[Any]) -> list[ElementChange]:
        return [ElementChange(element_id=e.element_id, name=e.name, attributes=list(e.attributes)) for e in items]
    return VersionDiffOut(key=key, from_version=from_version, to_version=to_version,
                          added=out(plan.added), removed=out(plan.removed), changed=out(plan.changed))


@router.post("/{key}/what-if", response_model=WhatIfOut, responses={401: {}, 403: {}, 404: {}, **REFUSED})
def what_if(key: Key, services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep,
            file: Annotated[UploadFile, File(description="a candidate .dmn decision table or a .yaml rule pack")]) -> WhatIfOut:
    """For each open case of a process in your region: would it route or be timed differently under the candidate?

    Nothing is deployed or written. A DMN candidate replaces the decision of the same id; a rule
    pack replaces the pack of the same id, or, under a new id, applies where it would be chosen.
    """
    require_role(user, "designer", "county", "admin")
    return whatif.run(services, session, user, key, read_upload(file), file.filename or "", local_date(now))

"""Township and village names for the factories' regions, imported as a county would."""

from __future__ import annotations

import io

from service.db import transaction
from service.regions.imports import Imported, import_regions
from service.services import Services

from ..factories import OTHER_TOWNSHIP, TOWNSHIP, VILLAGE

TOWNSHIP_NAME, VILLAGE_NAME, OTHER_TOWNSHIP_NAME = "溪河镇", "红星村", "上营镇"


def csv_file(*rows: tuple[str, str], header: str = "code,name") -> bytes:
    return ("\n".join([header, *(f"{code},{name}" for code, name in rows)]) + "\n").encode()


def import_csv(services: Services, data: bytes) -> Imported:
    with transaction(services.sessions) as session:
        return import_regions(session, io.BytesIO(data), services.clock.now())


def name_the_villages(services: Services) -> None:
    """The factories' township and village get their names (the county's file for them)."""
    import_csv(services, csv_file((TOWNSHIP, TOWNSHIP_NAME), (VILLAGE, VILLAGE_NAME), (OTHER_TOWNSHIP, OTHER_TOWNSHIP_NAME)))

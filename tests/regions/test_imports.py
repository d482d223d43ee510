"""Importing a county's names: a bad row is named by its line and nothing is kept; importing again changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from service.errors import Invalid
from service.regions import service as regions
from service.regions.imports import MAX_LINE
from service.regions.models import Region
from service.regions.seed import seed
from service.services import Services

from ..factories import TOWNSHIP, VILLAGE
from .helpers import csv_file, import_csv


@pytest.fixture
def services(services: Services) -> Services:
    """The services, the register seeded from the library as start-up does."""
    with services.sessions() as session, session.begin():
        seed(session, services.clock.now())
    return services


def _imported(services: Services) -> int:
    with services.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Region).where(Region.source == "import")) or 0)


def test_an_import_adds_then_renames_and_twice_changes_nothing(services: Services) -> None:
    data = csv_file(("220283101", "溪河镇"), (VILLAGE, "红星村"), ("220283", "舒兰市"))
    first = import_csv(services, data)
    assert (first.added, first.renamed, first.unchanged) == (2, 0, 1)  # the county came from the library
    again = import_csv(services, data)
    assert (again.added, again.renamed, again.unchanged) == (0, 0, 3)
    renamed = import_csv(services, csv_file((VILLAGE, "红旗村")))
    assert (renamed.added, renamed.renamed) == (0, 1)
    with services.sessions() as session:
        assert regions.label(session, VILLAGE) == "吉林省 吉林市 舒兰市 溪河镇 红旗村"
        assert regions.names(session, [TOWNSHIP, "220283"]) == {TOWNSHIP: "溪河镇", "220283": "舒兰市"}


def test_an_imported_name_outlives_a_new_seed_of_the_library(services: Services) -> None:
    import_csv(services, csv_file(("220283", "舒兰市（县级）")))
    with services.sessions() as session, session.begin():
        seed(session, services.clock.now(), force=True)
    with services.sessions() as session:
        assert regions.name(session, "220283") == "舒兰市（县级）"
        assert regions.name(session, "220282") == "桦甸市"


@pytest.mark.parametrize(("data", "line", "column"), [
    pytest.param(b"code;name\n", "line 1", "header", id="header"),
    pytest.param(csv_file((VILLAGE, "红星村"), ("22028310100", "短码")), "line 3", "code", id="eleven-digits"),
    pytest.param(csv_file((VILLAGE, "红星村"), ("000000000000", "全国")), "line 3", "code", id="all-zero"),
    pytest.param(csv_file((VILLAGE, "红星村"), (TOWNSHIP, "")), "line 3", "name", id="empty-name"),
    pytest.param(csv_file((VILLAGE, "红星村"), (TOWNSHIP, "镇" * 61)), "line 3", "name", id="long-name"),
    pytest.param(csv_file((VILLAGE, "红星村"), (TOWNSHIP, "溪\x07河")), "line 3", "name", id="control-character"),
    pytest.param(csv_file((TOWNSHIP, "溪河镇"), (VILLAGE, "红星村"), ("220283101", "又一镇")), "line 4", "code", id="twice"),
    pytest.param(csv_file((VILLAGE, "红星村")) + b"220283101,a,b\n", "line 3", "row", id="three-columns"),
    pytest.param(csv_file((VILLAGE, "红星村")) + b"220283101," + b"x" * MAX_LINE, "line 3", "row", id="endless-line"),
    pytest.param(csv_file((VILLAGE, "红星村")) + "220283101,溪河镇\n".encode("gbk"), "line 3", "row", id="not-utf8"),
])
def test_a_bad_row_is_refused_by_its_line_and_nothing_is_kept(services: Services, data: bytes, line: str, column: str) -> None:
    with pytest.raises(Invalid) as refused:
        import_csv(services, data)
    assert refused.value.detail[0]["loc"] == ["file", line, column]
    assert line in refused.value.detail[0]["msg"]
    assert _imported(services) == 0


def test_a_bom_and_blank_lines_are_fine_and_codes_may_come_padded(services: Services) -> None:
    result = import_csv(services, b"\xef\xbb\xbfcode,name\n\n220283101000,\xe6\xba\xaa\xe6\xb2\xb3\xe9\x95\x87\n")
    assert result.added == 1
    with services.sessions() as session:
        assert regions.name(session, "220283101") == "溪河镇"

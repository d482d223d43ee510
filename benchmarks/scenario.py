"""What the benchmark does to a case: the dibao application and the steps up to publicity."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from stdnum.cn import ric

from service.cases.schemas import CaseCreate
from service.cases.service import start_data as service_start_data

COUNTY = "220283000000"
TOWNSHIPS = [f"220283{t:03d}000" for t in range(101, 111)]
STEPS: list[tuple[str, dict[str, Any]]] = [
    ("accept", {"materials_complete": True}),
    ("info_check", {"result": "pass", "note": "省级核对平台无异常"}),
    ("home_visit", {"visitors": ["王建国", "李红梅"], "findings": "家庭人均收入低于当地低保标准", "disputed": False}),
    ("review", {"eligible": True, "monthly_amount": 520}),
]
# the home visit's form asks for the signed record (a document uploaded for the task): a small scanned PDF
RECORD = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
RECORD_FIELD, RECORD_KIND = "visit_record", "home_visit_record"


def resident_id(n: int, region: str = "220283") -> str:
    """The n-th of a series of distinct, checksum-valid resident IDs."""
    birth = date(1940, 1, 1) + timedelta(days=n // 1000)
    body = f"{region}{birth:%Y%m%d}{n % 1000:03d}"
    return body + str(ric.calc_check_digit(body + "0"))


def payload(n: int) -> dict[str, Any]:
    """The n-th application: a two-person rural household in one of ten townships."""
    township = TOWNSHIPS[n % len(TOWNSHIPS)]
    return {
        "kind": "dibao", "region": township[:9] + f"{1 + n % 20:03d}", "hukou": "rural",
        "applicant": {"name": "张三", "id_number": resident_id(2 * n)},
        "household": [{"name": "李四", "id_number": resident_id(2 * n + 1), "relation": "spouse"}],
        "near_relative_of_staff": False,
        "application": {"reason": "因病致贫", "monthly_income": 400, "requested_amount": 0, "emergency": False},
    }


def start_data() -> dict[str, Any]:
    """The data the service gives a new case's workflow for the first application."""
    return service_start_data(CaseCreate.model_validate(payload(0)))

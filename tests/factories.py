"""Plain factory functions and an API driver for tests."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient
from stdnum.cn import ric

from service.auth import service as auth
from service.clock import FixedClock, start_of
from service.db import transaction
from service.scheduling import run_due_schedules
from service.services import Services
from service.timers.service import fire_due

TOWNSHIP = "220283101000"
VILLAGE = "220283101001"
OTHER_TOWNSHIP = "220283102000"
COUNTY = "220283000000"

_seq = itertools.count(1)


def resident_id(birth: str = "19650312", region: str = "220283", seq: int | None = None) -> str:
    """A checksum-valid resident ID; each call gives a new one unless ``seq`` is given."""
    body = f"{region}{birth}{(seq if seq is not None else next(_seq)) % 1000:03d}"
    return body + str(ric.calc_check_digit(body + "0"))


def case_payload(kind: str = "dibao", region: str = VILLAGE, *, near: bool = False, household: int = 1,
                 applicant_id: str | None = None, **application: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "region": region,
        "hukou": "rural",
        "applicant": {"name": "张三", "id_number": applicant_id or resident_id()},
        "household": [{"name": f"李{i}", "id_number": resident_id("19700101"), "relation": "spouse" if i == 0 else "child"}
                      for i in range(household)],
        "near_relative_of_staff": near,
        "application": {"reason": "因病致贫", "monthly_income": 400, "requested_amount": 0, "emergency": False, **application},
    }


ACCEPT = {"materials_complete": True}
INCOMPLETE = {"materials_complete": False, "missing": ["户口簿", "收入证明"]}
INFO = {"result": "pass", "note": "核对无异常"}
VISIT = {"visitors": ["王五", "赵六"], "findings": "家庭收入低于标准", "disputed": False}
DISPUTED_VISIT = {**VISIT, "disputed": True}
COUNTY_VISIT = {"visitors": ["县民政甲", "县民政乙"], "findings": "情况属实"}
APPRAISAL = {"attendees": 7, "result": "support", "minutes": "评议通过"}
ELIGIBLE = {"eligible": True, "monthly_amount": 500}
INELIGIBLE = {"eligible": False, "reason": "家庭人均收入高于低保标准"}
# the township's review meeting (评审合议会, seed 001 §六(三)): at least 5, with the coordination group and a caseworker
MEETING = [{"name": "甲", "role": "coordination_group"}, {"name": "乙", "role": "caseworker"},
           {"name": "丙", "role": "coordination_group"}, {"name": "丁", "role": "discipline"}, {"name": "戊", "role": "resident_rep"}]
CONFIRM = {"approved": True, "attendees": MEETING, "minutes": "合议通过", "amount": 500}
REFUSE = {"approved": False, "attendees": MEETING, "minutes": "合议不通过", "reason": "收入超标"}
NOTIFY = {"notified_on": "2026-11-20", "method": "书面送达"}
ARCHIVE = {"archive_no": "2026-0001"}
# the smallest files each sniffer accepts: a signed form scanned to PDF, a photo, a screenshot
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32 + b"\xff\xd9"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
TO_PUBLICITY = [("accept", ACCEPT), ("info_check", INFO), ("home_visit", VISIT), ("review", ELIGIBLE)]
# tekun (特困): the six activities of the self-care assessment, and the review with a support mode
SELF_CARE = {"eating": True, "dressing": True, "bed_transfer": True, "toileting": True, "indoor_walking": True,
             "bathing": True, "assessors": ["评估员甲", "评估员乙"]}
TK_ELIGIBLE = {"eligible": True, "support_mode": "dispersed", "monthly_amount": 800}
TK_INVESTIGATED = [("accept", ACCEPT), ("info_check", INFO), ("home_visit", VISIT), ("self_care_assessment", SELF_CARE)]
# linshi (临时救助): the advance of pay-first, a proposal within the township's limits, the county's deliberation
ADVANCE = {"advance_amount": 800, "advance_paid_on": "2026-11-02", "advance_method": "现金"}
LS_ELIGIBLE = {"eligible": True, "proposed_amount": 1500}
LS_INVESTIGATED = [("accept", ACCEPT), ("info_check", INFO), ("home_visit", VISIT)]
LS_CONFIRM = {**CONFIRM, "amount": 1500}
# recheck (动态管理复核)
RC_VISIT = {"visitors": ["王五", "赵六"], "findings": "家庭情况无变化"}
CONTINUE = {"outcome": "continue"}
ADJUST = {"outcome": "adjust", "monthly_amount": 420}
STOP = {"outcome": "stop", "reason": "家庭人均收入已超过低保标准"}
AGREE = {"approved": True, "attendees": MEETING, "minutes": "合议同意"}
SPOT_CHECK = {"visitors": ["县民政甲", "县民政乙"], "findings": "与档案一致", "conclusion": "consistent"}


class Api:
    """Drives the REST API the way a client would, with users made on demand."""

    def __init__(self, client: TestClient, services: Services, clock: FixedClock) -> None:
        self.client = client
        self.services = services
        self.clock = clock
        self._tokens: dict[tuple[str, str], str] = {}

    def headers(self, role: str = "township", region: str | None = None) -> dict[str, str]:
        region = region or {"village": VILLAGE, "county": COUNTY, "admin": "000000000000", "designer": COUNTY}.get(role, TOWNSHIP)
        key = (role, region)
        if key not in self._tokens:
            with transaction(self.services.sessions) as session:
                now = self.clock.now()
                user = auth.create_user(session, f"{role}-{region}-{len(self._tokens)}", role, region, now)
                self._tokens[key] = auth.issue_token(session, user, now, 3650)
        return {"Authorization": f"Bearer {self._tokens[key]}"}

    def create(self, payload: dict[str, Any] | None = None, role: str = "township", **kwargs: Any) -> dict[str, Any]:
        response = self.client.post("/api/v1/cases", json=payload or case_payload(**kwargs), headers=self.headers(role))
        assert response.status_code == 201, response.text
        return dict(response.json())

    def case(self, case_id: int, role: str = "township") -> dict[str, Any]:
        response = self.client.get(f"/api/v1/cases/{case_id}", headers=self.headers(role))
        assert response.status_code == 200, response.text
        return dict(response.json())

    def task_id(self, case_id: int, element_id: str) -> str:
        tasks = [t for t in self.case(case_id, "admin")["tasks"] if t["element_id"] == element_id]
        assert tasks, f"no open task {element_id} on case {case_id}: {self.case(case_id, 'admin')['positions']}"
        return str(tasks[0]["id"])

    def complete(self, case_id: int, element_id: str, data: dict[str, Any], role: str | None = None) -> httpx.Response:
        """Complete the case's open task as a user of that role in the case's own township or village.

        A ``document`` field of the form that ``data`` leaves out is filled with a PDF uploaded for the
        task (the signed home-visit record, say); give the field as None to leave it empty.
        """
        case = self.case(case_id, "admin")
        task_id = self.task_id(case_id, element_id)
        task = next(t for t in case["tasks"] if t["id"] == task_id)
        role = role or task["role"]
        region = {"township": case["region"][:9] + "000", "village": case["region"], "county": case["region"][:6] + "000000"}.get(role)
        data = with_documents(self.client, self.headers(role, region), case_id, task, data)
        return self.client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data}, headers=self.headers(role, region))

    def upload(self, case_id: int, content: bytes, *, kind: str = "other", task_id: str | None = None,
               role: str = "township", filename: str = "材料.pdf") -> dict[str, Any]:
        """Upload a document to the case as a user of the case's own township (or village, county)."""
        region = self.case(case_id, "admin")["region"]
        region = {"township": region[:9] + "000", "village": region, "county": region[:6] + "000000"}[role]
        form = {"kind": kind, **({"task_id": task_id} if task_id else {})}
        response = self.client.post(f"/api/v1/cases/{case_id}/documents", files={"file": (filename, content, "application/pdf")},
                                    data=form, headers=self.headers(role, region))
        assert response.status_code == 201, response.text
        return dict(response.json())

    def step(self, case_id: int, element_id: str, data: dict[str, Any]) -> dict[str, Any]:
        response = self.complete(case_id, element_id, data)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def walk(self, case_id: int, steps: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for element_id, data in steps:
            result = self.step(case_id, element_id, data)
        return result

    def at(self, instant: datetime) -> int:
        """Move the injected clock, fire what is due and start the rechecks and spot checks due, as the timer worker would."""
        self.clock.set(instant)
        fired = fire_due(self.services, instant).fired
        run_due_schedules(self.services, instant)
        return fired

    def history(self, case_id: int) -> list[dict[str, Any]]:
        response = self.client.get(f"/api/v1/cases/{case_id}/history", headers=self.headers("admin"))
        assert response.status_code == 200, response.text
        return list(response.json())


def with_documents(client: TestClient, headers: dict[str, str], case_id: int, task: dict[str, Any],
                   data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with each ``document`` field of the task's form that it leaves out filled: a PDF uploaded for the task."""
    for field in task["form"]:
        if field["type"] == "document" and field["name"] not in data:
            response = client.post(f"/api/v1/cases/{case_id}/documents", files={"file": ("record.pdf", PDF, "application/pdf")},
                                   data={"kind": field["kind"], "task_id": task["id"]}, headers=headers)
            assert response.status_code == 201, response.text
            data = {**data, field["name"]: response.json()["id"]}
    return data


def elements(case: dict[str, Any]) -> set[str]:
    return {p["element_id"] for p in case["positions"]}


def approve(api: Api, payload: dict[str, Any] | None = None, confirm: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
    """A dibao or tekun case taken to approval; the clock moves past its publicity."""
    case = api.create(payload, **kwargs)
    tekun = case["kind"] == "tekun"
    api.walk(case["id"], TK_INVESTIGATED + [("review", TK_ELIGIBLE)] if tekun else TO_PUBLICITY)
    until = date.fromisoformat(api.case(case["id"])["facts"]["publicity_until"])
    api.at(start_of(until + timedelta(days=1)) + timedelta(seconds=1))
    confirm = confirm or ({**CONFIRM, "amount": 800} if tekun else CONFIRM)
    return api.walk(case["id"], [("confirm", confirm), ("archive", ARCHIVE)])

"""``jiuzhu demo``: demo users and dibao cases at different stages, to try the API at once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from stdnum.cn import ric

from .auth import service as auth
from .auth.models import User
from .cases import service as cases
from .cases.models import Case
from .cases.schemas import CaseCreate
from .cases.workflow import Operation
from .db import transaction
from .services import Services
from .startup import prepare
from .tasks import service as tasks
from .tasks.models import CaseTask
from .timers.service import fire_due

TOWNSHIP, VILLAGE = "220283101000", "220283101001"
USERS = [
    ("demo-village", "village", VILLAGE),
    ("demo-township", "township", TOWNSHIP),
    ("demo-county", "county", "220283000000"),
    ("demo-designer", "designer", "220283000000"),
    ("demo-admin", "admin", "000000000000"),
]
VISIT = {"visitors": ["王建国", "李红梅"], "findings": "家庭人均收入低于当地低保标准，无经营性收入", "disputed": False}
STEPS: list[tuple[str, dict[str, Any]]] = [
    ("accept", {"materials_complete": True}),
    ("info_check", {"result": "pass", "note": "省级核对平台无异常"}),
    ("home_visit", VISIT),
    ("review", {"eligible": True, "monthly_amount": 520}),
]
CONFIRM = {"approved": True, "attendees": ["赵书记", "钱主任", "孙干事", "李经办", "周代表"], "minutes": "评审合议一致同意", "amount": 520}


ADVANCE = {"advance_amount": 800, "advance_paid_on": None, "advance_method": "现金"}


def resident_id(birth: str, seq: int) -> str:
    body = f"220283{birth}{seq:03d}"
    return body + str(ric.calc_check_digit(body + "0"))


def _users(services: Services, console: Console) -> dict[str, tuple[User, str]]:
    out = {}
    with transaction(services.sessions) as session:
        now = services.clock.now()
        for name, role, region in USERS:
            user = session.scalar(select(User).where(User.name == name)) or auth.create_user(session, name, role, region, now)
            out[role] = (user, auth.issue_token(session, user, now, services.settings.token_days))
    return out


def _advance(services: Services, user: User, case_id: int, steps: list[tuple[str, dict[str, Any]]], at: datetime) -> None:
    for element_id, data in steps:
        with transaction(services.sessions) as session:
            task = session.scalar(select(CaseTask).where(CaseTask.case_id == case_id, CaseTask.element_id == element_id,
                                                         CaseTask.status == "open"))
            if task is None:
                return
            tasks.complete(Operation(services, session, at, user.name), user, task.id, data)


def _case(services: Services, user: User, name: str, seq: int, at: datetime, kind: str = "dibao") -> int:
    application: dict[str, Any] = {"reason": "因病致贫，无固定收入", "monthly_income": 300}
    if kind == "linshi":
        application = {"reason": "住房失火，基本生活陷入困境", "monthly_income": 300, "emergency": True,
                       "requested_amount": 1800, "cause": "火灾"}
    payload = CaseCreate.model_validate({
        "kind": kind, "region": VILLAGE, "hukou": "rural",
        "applicant": {"name": name, "id_number": resident_id("19600101" if kind != "tekun" else "19400101", seq)},
        "household": [] if kind == "tekun" else
                     [{"name": name[0] + "小" + name[-1], "id_number": resident_id("19880202", seq), "relation": "child"}],
        "application": application,
    })
    with transaction(services.sessions) as session:
        return cases.create(Operation(services, session, at, user.name), user, payload).id


def seed(services: Services, base_url: str, console: Console) -> None:
    prepare(services)
    users = _users(services, console)
    township = users["township"][0]
    with services.sessions() as session:
        start = (session.scalar(select(Case.id).order_by(Case.id.desc()).limit(1)) or 0) + 1
    stages = [("受理审查 accept", []), ("调查 investigation", STEPS[:1]), ("公示 publicity", STEPS),
              ("审核确认 confirm", STEPS), ("已确认 approved", STEPS)]
    table = Table("case", "stage", title="demo cases")
    now = services.clock.now()
    earlier = now - timedelta(days=12)  # staged cases began earlier, so their publicity has ended by now
    for i, (label, steps) in enumerate(stages):
        at = earlier if "confirm" in label or "approved" in label else now
        case_id = _case(services, township, ["张建华", "李秀英", "王德明", "刘桂兰", "陈志强"][i], start * 10 + i, at)
        _advance(services, township, case_id, steps, at)
        if "approved" in label:
            fire_due(services, now)
            _advance(services, township, case_id, [("confirm", CONFIRM), ("archive", {"archive_no": f"DEMO-{case_id}"})], now)
        table.add_row(str(case_id), label)
    tekun = _case(services, township, "孙秀珍", start * 10 + 7, now, "tekun")
    _advance(services, township, tekun, STEPS[:1], now)
    table.add_row(str(tekun), "特困 tekun: 调查 investigation")
    linshi = _case(services, township, "周永福", start * 10 + 8, now, "linshi")
    _advance(services, township, linshi, [("advance_payment", {**ADVANCE, "advance_paid_on": now.date().isoformat()})], now)
    table.add_row(str(linshi), "临时救助 linshi: 先行救助后补手续 paid first")
    fire_due(services, now)
    console.print(table)
    # Plain lines, not a table: a narrow terminal must not squeeze or cut what is to be copied.
    console.print("demo tokens (Authorization: Bearer <token>):")
    for name, role, _ in USERS:
        console.print(f"  {role:<9} {name:<14} {users[role][1]}", soft_wrap=True, highlight=False)
    console.print(f"Start the server (jiuzhu serve), then try:\n"
                  f"  {base_url}/docs\n"
                  f"  curl -H 'Authorization: Bearer {users['township'][1]}' {base_url}/api/v1/tasks\n"
                  f"  curl -H 'Authorization: Bearer {users['township'][1]}' {base_url}/api/v1/cases",
                  soft_wrap=True)  # commands to copy: never wrapped

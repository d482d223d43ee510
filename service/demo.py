"""``jiuzhu demo``: demo users and cases at every stage — overdue, at risk and late in a stage among them —
and every page's address with the token to open it. Run twice, it says what already exists and adds nothing
but fresh tokens. Times come from the service's clock (the test clock when ``JIUZHU_FAKE_CLOCK=1``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select
from stdnum.cn import ric

from .auth import service as auth
from .auth.models import User
from .calendar.workdays import WorkingCalendar
from .cases import service as cases
from .cases.models import Case
from .cases.schemas import CaseCreate
from .cases.workflow import Operation
from .clock import local_date, start_of
from .db import transaction
from .documents import service as documents
from .services import Services
from .startup import prepare
from .tasks import service as tasks
from .tasks.models import CaseTask
from .timers.service import fire_due
from .web.router import router as pages

TOWNSHIP, VILLAGE = "220283101000", "220283101001"
USERS = [
    ("demo-village", "village", VILLAGE),
    ("demo-township", "township", TOWNSHIP),
    ("demo-county", "county", "220283000000"),
    ("demo-designer", "designer", "220283000000"),
    ("demo-admin", "admin", "000000000000"),
]
# Who opens which page; a page not named here is opened with the township caseworker's token.
PAGE_ROLES: dict[str, str | None] = {"/supervision": "county", "/designer": "designer", "/docs": "admin", "/redoc": "admin",
                                     "/publicity": None}  # None: public, no token
VISIT = {"visitors": ["王建国", "李红梅"], "findings": "家庭人均收入低于当地低保标准，无经营性收入", "disputed": False}
STEPS: list[tuple[str, dict[str, Any]]] = [
    ("accept", {"materials_complete": True}),
    ("info_check", {"result": "pass", "note": "省级核对平台无异常"}),
    ("home_visit", VISIT),
    ("review", {"eligible": True, "monthly_amount": 520}),
]
CONFIRM = {"approved": True, "attendees": [
    {"name": "赵书记", "role": "coordination_group"}, {"name": "钱主任", "role": "coordination_group"},
    {"name": "孙干事", "role": "discipline"}, {"name": "李经办", "role": "caseworker"}, {"name": "周代表", "role": "resident_rep"}], "minutes": "评审合议一致同意", "amount": 520}

ADVANCE = {"advance_amount": 800, "advance_method": "现金"}


@dataclass(frozen=True)
class Scene:
    """A demo case: who applies, for what, how long ago it began (days, or working days by a rule-pack number), how far it went."""

    applicant: str
    kind: str
    label: str
    steps: list[tuple[str, dict[str, Any]]]
    days_ago: int = 0
    working_days_ago: str | None = None  # "limit+5": the statutory limit plus 5; or a rule-pack number's name with an offset
    later: tuple[tuple[str, dict[str, Any]], ...] = ()  # steps taken now, after the earlier ones' waits have ended


SCENES = [
    Scene("张建华", "dibao", "受理审查 accept", []),
    Scene("李秀英", "dibao", "调查 investigation", STEPS[:1]),
    Scene("王德明", "dibao", "公示 publicity", STEPS),
    Scene("刘桂兰", "dibao", "审核确认 confirm", STEPS, days_ago=12),  # its publicity has ended by now
    Scene("陈志强", "dibao", "已确认 approved", STEPS, days_ago=12,
          later=(("confirm", CONFIRM), ("archive", {"archive_no": "DEMO-ARCHIVE"}))),
    Scene("孙秀珍", "tekun", "特困 tekun: 调查 investigation", STEPS[:1]),
    Scene("周永福", "linshi", "临时救助 linshi: 先行救助后补手续 paid first", [("advance_payment", ADVANCE)]),
    Scene("吴国栋", "dibao", "逾期 overdue（法定期限已过，调查也已超期）", STEPS[:1], working_days_ago="limit+5"),
    Scene("郑玉兰", "dibao", "临期 at risk（2 个工作日内届满）", STEPS[:3], working_days_ago="limit-2"),
    Scene("冯志明", "dibao", "环节超期 stage late（调查超过规定工作日）", STEPS[:1], working_days_ago="investigation_days+3"),
]


def resident_id(birth: str, seq: int) -> str:
    body = f"220283{birth}{seq:03d}"
    return body + str(ric.calc_check_digit(body + "0"))


def _users(services: Services) -> tuple[dict[str, str], list[str]]:
    """A fresh token per demo user; the users that already existed."""
    tokens, existing = {}, []
    with transaction(services.sessions) as session:
        now = services.clock.now()
        for name, role, region in USERS:
            user = session.scalar(select(User).where(User.name == name))
            if user is None:
                user = auth.create_user(session, name, role, region, now)
            else:
                existing.append(name)
            tokens[role] = auth.issue_token(session, user, now, services.settings.token_days)
    return tokens, existing


def _advance(services: Services, user: User, case_id: int, steps: Any, at: datetime) -> None:
    for element_id, data in steps:
        if element_id == "advance_payment":
            data = {**data, "advance_paid_on": local_date(at).isoformat()}
        fire_due(services, at)  # e.g. the publicity that ended before the confirmation
        with transaction(services.sessions) as session:
            task = session.scalar(select(CaseTask).where(CaseTask.case_id == case_id, CaseTask.element_id == element_id,
                                                         CaseTask.status == "open"))
            if task is None:
                return
            op = Operation(services, session, at, user.name)
            tasks.complete(op, user, task.id, {**data, **_records(op, case_id, task)})


# a signed form scanned to PDF, as a caseworker would upload it (the demo's home-visit record)
DEMO_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _records(op: Operation, case_id: int, task: CaseTask) -> dict[str, str]:
    """The documents a task's form asks for (the signed home-visit record), uploaded for the task."""
    case = op.session.get(Case, case_id)
    info = op.services.registry.meta(op.session, case.process_key, case.process_version).user_tasks.get(task.element_id) \
        if case else None
    out = {}
    for field in (info.form if info and case else ()):
        if field.type == "document" and case is not None:
            added = documents.add(op, case, DEMO_PDF, kind=field.kind or "other", content_type="application/pdf",
                                  filename=f"{field.label}（演示）.pdf", task_id=task.id)
            out[field.name] = added.id
    return out


def _create(services: Services, user: User, scene: Scene, seq: int, at: datetime) -> int:
    application: dict[str, Any] = {"reason": "因病致贫，无固定收入", "monthly_income": 300}
    if scene.kind == "linshi":
        application = {"reason": "住房失火，基本生活陷入困境", "monthly_income": 300, "emergency": True,
                       "requested_amount": 1800, "cause": "火灾"}
    name = scene.applicant
    payload = CaseCreate.model_validate({
        "kind": scene.kind, "region": VILLAGE, "hukou": "rural",
        "applicant": {"name": name, "id_number": resident_id("19600101" if scene.kind != "tekun" else "19400101", seq)},
        "household": [] if scene.kind == "tekun" else
                     [{"name": name[0] + "小" + name[-1], "id_number": resident_id("19880202", seq), "relation": "child"}],
        "application": application,
    })
    with transaction(services.sessions) as session:
        return cases.create(Operation(services, session, at, user.name), user, payload).id


def _working_days_back(calendar: WorkingCalendar, today: date, count: int) -> date:
    """The day ``count`` working days before today (so that today is its count-th working day after)."""
    day = today
    while count > 0:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            count -= 1
    return day


def _began(services: Services, scene: Scene, now: datetime) -> datetime | None:
    """When the scene's case began; None when the demo region's pack has no such number (no stage limit)."""
    if scene.working_days_ago is None:
        return now - timedelta(days=scene.days_ago)
    pack = services.rules.choose(VILLAGE, local_date(now))
    name, sign, offset = scene.working_days_ago.partition("+") if "+" in scene.working_days_ago else scene.working_days_ago.partition("-")
    number = pack.limit_days(scene.kind, False) if name == "limit" else pack.value(name, scene.kind)
    if not isinstance(number, int):
        return None
    base = number
    count = base + int(offset) if sign == "+" else base - int(offset)
    with services.sessions() as session:
        day = _working_days_back(services.calendars.get(session), local_date(now), count)
    return start_of(day).replace(hour=9)


def _existing(services: Services) -> list[tuple[int, str]]:
    names = [s.applicant for s in SCENES]
    with services.sessions() as session:
        rows = session.execute(select(Case.id, Case.applicant_name).where(Case.region == VILLAGE, Case.applicant_name.in_(names),
                                                                         Case.purpose == "application").order_by(Case.id))
        return [(int(i), str(n)) for i, n in rows]


def _seed_cases(services: Services, township: User, now: datetime) -> list[tuple[int, str]]:
    with services.sessions() as session:
        start = (session.scalar(select(func.max(Case.id))) or 0) + 1
    made = []
    for i, scene in enumerate(SCENES):
        at = _began(services, scene, now)
        if at is None:
            continue
        case_id = _create(services, township, scene, start * 10 + i, at)
        _advance(services, township, case_id, scene.steps, at)
        _advance(services, township, case_id, scene.later, now)
        made.append((case_id, scene.applicant))
    fire_due(services, now)  # statutory deadlines passed since: the overdue case records it
    return made


def _page_lines(base_url: str, tokens: dict[str, str], case_id: int) -> list[str]:
    lines = []
    for route in pages.routes:
        path = getattr(route, "path", "")
        if path in ("", "/"):
            continue
        lines.append(_page_line(base_url + path.replace("{case_id}", str(case_id)), PAGE_ROLES.get(path, "township"), tokens))
    for path in ("/docs", "/redoc"):
        lines.append(_page_line(base_url + path, PAGE_ROLES[path], tokens))
    return lines


def _page_line(url: str, role: str | None, tokens: dict[str, str]) -> str:
    return f"  {url}   ({role}) {tokens[role]}" if role else f"  {url}   (public, no token)"


def seed(services: Services, base_url: str, console: Console) -> None:
    prepare(services)
    tokens, existing_users = _users(services)
    now = services.clock.now()
    if existing_users:
        console.print(f"demo users already exist ({', '.join(existing_users)}): each gets a new token below")
    made = _existing(services)
    if made:
        console.print(f"demo cases already exist ({len(made)}): none added", highlight=False)
    else:
        with services.sessions() as session:
            township = session.scalars(select(User).where(User.name == "demo-township")).one()
        made = _seed_cases(services, township, now)
        labels = {scene.applicant: scene.label for scene in SCENES}
        table = Table("case", "stage", title=f"demo cases (clock: {now:%Y-%m-%d %H:%M})")
        for case_id, applicant in made:
            table.add_row(str(case_id), labels[applicant])
        console.print(table)
    # Plain lines, not a table: a narrow terminal must not squeeze or cut what is to be copied.
    console.print("demo tokens (Authorization: Bearer <token>):")
    for name, role, _ in USERS:
        console.print(f"  {role:<9} {name:<14} {tokens[role]}", soft_wrap=True, highlight=False)
    console.print("pages (start the server with jiuzhu serve; paste the token into the page's header):")
    shown = next((case_id for case_id, applicant in made if applicant == SCENES[-3].applicant), made[0][0])  # the overdue case
    for line in _page_lines(base_url, tokens, shown):
        console.print(line, soft_wrap=True, highlight=False)
    console.print(f"try the API:\n"
                  f"  curl -H 'Authorization: Bearer {tokens['township']}' {base_url}/api/v1/tasks\n"
                  f"  curl -H 'Authorization: Bearer {tokens['township']}' {base_url}/api/v1/cases",
                  soft_wrap=True, highlight=False)  # commands to copy: never wrapped

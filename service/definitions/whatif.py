"""What-if: how open cases would route or be timed under a candidate decision table or rule pack.

Nothing is deployed or written. Each open case of the process (in the caller's region) is read as
it stands — its data where its tokens are, its open tasks, its statutory deadline — and evaluated
twice: as it is configured now (its own decision versions and rule pack) and with the candidate
in place. A DMN candidate replaces the decision of the same id; a rule pack candidate replaces the
pack of the same id, or, under a new id, applies to the cases whose region it would be chosen for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.models import User
from ..auth.service import scoped
from ..calendar.functions import CaseFacts, host_functions
from ..calendar.rules import RuleBook, RulePack, RulePackError, parse_pack
from ..calendar.workdays import WorkingCalendar
from ..cases.models import Case
from ..cases.workflow import stage_due
from ..clock import local_date, start_of
from ..engine import CompiledDecision, CompiledProcess, DefinitionInvalid, ExpressionError, Instance, ProcessError
from ..engine.decisions import decide
from ..engine.expressions import evaluate
from ..engine.loader import compile_dmn
from ..errors import Invalid, NotFound
from ..services import Services
from ..tasks.models import CaseTask
from .schemas import DateChange, RouteChange, StageChange, WhatIfCase, WhatIfOut
from .service import Registry, invalid

MAX_CASES = 5000
NOTE = ("Nothing was deployed. Running cases keep the versions they started with; once deployed, the candidate "
        "applies to new cases, and to a running case only if it is migrated (rule packs apply to every case naming them).")
LABELS = {"township": "乡镇", "county": "县级", "village": "村（居）", True: "是", False: "否"}


@dataclass(frozen=True)
class Candidate:
    type: str  # "dmn" or "rule_pack"
    decision: CompiledDecision | None = None
    pack: RulePack | None = None

    @property
    def key(self) -> str:
        return self.decision.key if self.decision else self.pack.id if self.pack else ""

    def describe(self) -> dict[str, Any]:
        name = self.decision.name if self.decision else self.pack.name if self.pack else ""
        return {"type": self.type, "key": self.key, "name": name}


def read_candidate(registry: Registry, data: bytes, filename: str) -> Candidate:
    """A DMN file (XML) or a rule pack (YAML); refusals are 422 with the reason."""
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        try:
            return Candidate("dmn", decision=compile_dmn(data, registry.known_functions, registry.probe))
        except DefinitionInvalid as exc:
            raise invalid(exc) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid("a rule pack must be UTF-8 YAML; a decision table must be DMN XML", ("body", "file")) from None
    try:
        return Candidate("rule_pack", pack=parse_pack(text, filename or "rule pack"))
    except RulePackError as exc:
        raise Invalid(str(exc), ("body", "file")) from None


@dataclass
class Context:
    services: Services
    session: Session
    calendar: WorkingCalendar
    today: date
    candidate: Candidate
    book: RuleBook  # the loaded packs with a new-id candidate pack beside them

    def applies(self, case: Case) -> RulePack | None:
        """The candidate pack if it would govern this case, else None."""
        pack = self.candidate.pack
        if pack is None:
            return None
        if pack.id in self.services.rules.packs:
            return pack if case.rule_pack == pack.id else None
        return pack if self.book.choose(case.region, self.today).id == pack.id else None

    def functions(self, case: Case, pack: RulePack) -> dict[str, Callable[..., Any]]:
        facts = CaseFacts(kind=case.kind, pack=pack, accepted_on=case.accepted_on, extended=case.extended)
        return host_functions(self.calendar, facts, start_of(self.today).replace(hour=12))


def run(services: Services, session: Session, user: User, key: str, data: bytes, filename: str, today: date) -> WhatIfOut:
    candidate = read_candidate(services.registry, data, filename)
    newest = Registry.newest(session, key)
    if newest is None or newest.file_type != "bpmn":
        raise NotFound(f"no process '{key}' is deployed")
    if candidate.decision and candidate.key not in services.registry.meta(session, key, newest.version).decision_tasks:
        raise Invalid(f"process '{key}' does not call decision '{candidate.key}'", ("body", "file"))
    book = services.rules
    if candidate.pack and candidate.pack.id not in services.rules.packs:
        book = RuleBook([*services.rules.packs.values(), candidate.pack], services.rules.default_id)
    ctx = Context(services, session, services.calendars.get(session), today, candidate, book)
    query = scoped(select(Case).where(Case.process_key == key, Case.status == "active"), user, Case.region)
    cases = session.scalars(query.order_by(Case.id).limit(MAX_CASES)).all()
    items = [evaluate_case(ctx, case) for case in cases]
    return WhatIfOut(process=key, candidate=candidate.describe(), note=NOTE, cases=len(items),
                     changed=sum(1 for i in items if i.changed), items=items)


def evaluate_case(ctx: Context, case: Case) -> WhatIfCase:
    out = WhatIfCase(case_id=case.id, number=case.number, kind=case.kind, region=case.region,
                     process_version=case.process_version, positions=[p["element_id"] for p in case.positions],
                     position_names=[p["name"] for p in case.positions],
                     changed=False, summary=[])
    pack = ctx.applies(case)
    if ctx.candidate.pack is not None and pack is None:
        return out  # the candidate pack would not govern this case
    try:
        process = ctx.services.registry.meta(ctx.session, case.process_key, case.process_version)
        instance = Instance.restore(process, case.workflow)
        data = instance.current_data()
        out.routes = _routes(ctx, case, process, instance, data, pack)
        if pack is not None:
            out.due_on = _due_on(ctx, case, pack)
            out.stages = _stages(ctx, case, process, data, pack)
    except (ProcessError, ExpressionError, KeyError, ValueError) as exc:
        out.error = getattr(exc, "reason", None) or str(exc)
        return out
    out.summary = _summary(out)
    out.changed = bool(out.summary)
    return out


def _own_decision(ctx: Context, case: Case, decision_id: str) -> CompiledDecision:
    registry = ctx.services.registry
    version = case.decisions.get(decision_id)
    definition = Registry.get(ctx.session, decision_id, version) if version else Registry.newest(ctx.session, decision_id)
    if definition is None:
        raise KeyError(f"decision '{decision_id}' is not deployed")
    return registry.decision(definition)


def _routes(ctx: Context, case: Case, process: CompiledProcess, instance: Instance, data: dict[str, Any],
            pack: RulePack | None) -> list[RouteChange]:
    completed = set(instance.completed_elements())
    own_pack = ctx.services.rules.get(case.rule_pack)
    routes = []
    for decision_id, element_id in sorted(process.decision_tasks.items()):
        own = _own_decision(ctx, case, decision_id)
        new = ctx.candidate.decision if ctx.candidate.decision and ctx.candidate.key == decision_id else None
        if new is None and pack is None:
            continue
        current = decide(own, data, ctx.functions(case, own_pack))
        candidate = decide(new or own, data, ctx.functions(case, pack or own_pack))
        decided = element_id in completed
        routes.append(RouteChange(decision=decision_id, current=current, candidate=candidate,
                                  changed=current != candidate and not decided, already_decided=decided))
    return routes


def _due_on(ctx: Context, case: Case, pack: RulePack) -> DateChange | None:
    if case.accepted_on is None:
        return None
    candidate = ctx.calendar.add_working_days(case.accepted_on, pack.limit_days(case.kind, case.extended))
    return DateChange(current=case.due_on, candidate=candidate, changed=candidate != case.due_on)


def _stages(ctx: Context, case: Case, process: CompiledProcess, data: dict[str, Any], pack: RulePack) -> list[StageChange]:
    stages = []
    tasks = ctx.session.scalars(select(CaseTask).where(CaseTask.case_id == case.id, CaseTask.status == "open")).all()
    for task in tasks:
        info = process.user_tasks.get(task.element_id)
        if info is None or info.deadline is None:
            continue
        days = evaluate(info.deadline.expression, data, ctx.functions(case, pack))
        candidate = stage_due(ctx.calendar, local_date(task.opened_at), int(days), info.deadline.unit)
        stages.append(StageChange(element_id=task.element_id, name=task.name, current=task.due_on, candidate=candidate,
                                  changed=candidate != task.due_on))
    return stages


def _label(value: Any) -> str:
    return LABELS.get(value, str(value)) if isinstance(value, (str, bool)) else str(value)


def _summary(item: WhatIfCase) -> list[str]:
    lines = []
    for route in item.routes:
        if route.changed and route.current is not None and route.candidate is not None:
            for name in sorted(set(route.current) | set(route.candidate)):
                before, after = route.current.get(name), route.candidate.get(name)
                if before != after:
                    lines.append(f"{route.decision}.{name}: {_label(before)} → {_label(after)}")
    if item.due_on and item.due_on.changed:
        lines.append(f"办理期限 due_on: {item.due_on.current} → {item.due_on.candidate}")
    lines += [f"{s.name} 阶段期限: {s.current} → {s.candidate}" for s in item.stages if s.changed]
    return lines

"""What the household archive says about a case, read from the database: the summary's sections."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit.models import AuditEvent
from ..cases.models import Case
from ..clock import SHANGHAI
from ..definitions.service import Registry
from ..documents.models import Document
from ..engine import DOCUMENT_KINDS
from ..regions.service import labels
from .summary import Decision, Summary

KINDS = {"dibao": "最低生活保障", "tekun": "特困人员救助供养", "linshi": "临时救助"}
STATUSES = {"active": "办理中", "approved": "已批准", "rejected": "不予批准", "withdrawn": "已撤回", "terminated": "已终止",
            "completed": "已办结"}
HUKOU = {"rural": "农村", "urban": "城镇"}
# as the pages name them (service/web/static/common.js); another type is shown as itself
EVENTS = {"case.created": "登记申请", "case.accepted": "正式受理", "task.completed": "办结环节", "timer.fired": "期限届满",
          "deadline.extended": "延长办理期限", "deadline.recomputed": "按新公布的节假日重算期限", "objection.filed": "收到异议",
          "case.closed": "办结", "case.overdue": "超过法定办理期限", "case.migrated": "迁移流程版本", "case.incident": "流程异常",
          "case.withdrawn": "撤回申请", "beneficiary.created": "纳入救助对象", "income.accounted": "核算家庭收入",
          "income.overridden": "调整收入核算结果", "document.added": "上传材料", "crosscheck.hit": "重复享受比对命中"}
RELATIONS = {"spouse": "配偶", "child": "子女", "parent": "父母", "sibling": "兄弟姐妹", "grandparent": "祖父母、外祖父母",
             "grandchild": "孙子女、外孙子女", "self": "本人", "other": "其他"}
RESULT_LABELS = {"net_income": "家庭月净收入（元）", "per_capita": "人均月收入（元）", "standard": "保障标准（元/人·月）",
                 "status": "核算结论", "amount": "核定保障金额（元/月）"}
MAX_VALUE = 600


def when(at: datetime | None) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if at else ""


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(f"{v.get('name')}（{v.get('role')}）" if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)[:MAX_VALUE]
    return str(value)[:MAX_VALUE]


def events(session: Session, case: Case) -> Any:
    """The case's audit chain, oldest first, read in batches."""
    query = select(AuditEvent).where(AuditEvent.chain == f"case:{case.id}").order_by(AuditEvent.seq)
    return session.scalars(query.execution_options(yield_per=500))


def documents(session: Session, case: Case) -> list[Document]:
    """The documents an archive holds (not earlier archives), oldest first."""
    query = select(Document).where(Document.case_id == case.id, Document.kind != "archive")
    return list(session.scalars(query.order_by(Document.uploaded_at, Document.id).limit(5000)))


def _decisions(session: Session, registry: Registry, case: Case, completed: list[AuditEvent]) -> list[Decision]:
    """Each completed task in the order the chain recorded it (a step done twice appears twice)."""
    meta = registry.meta(session, case.process_key, case.process_version)
    out = []
    for event in completed[:1000]:
        info = meta.user_tasks.get(event.element_id or "")
        fields = {f.name: f for f in info.form} if info else {}
        lines = []
        for key, value in ((event.data or {}).get("data") or {}).items():
            field = fields.get(key)
            if value in (None, "", []):
                continue
            if field is not None and field.type == "document":
                value = f"{DOCUMENT_KINDS.get(field.kind or '', field.kind)} {value}（见 documents/）"
            lines.append((field.label if field else key, _value(value)))
        out.append(Decision(info.name if info else (event.element_id or ""), event.actor, when(event.at), lines))
    return out


def summary(session: Session, registry: Registry, case: Case, docs: list[Document], now: datetime) -> Summary:
    """Everything ``summary.pdf`` shows; the region with its names from the register (吉林省 吉林市 舒兰市 …) where it knows them."""
    label = labels(session, [case.region])[case.region]
    region = f"{case.region}（{label}）" if label != case.region else case.region
    cover = [("案件编号", case.number), ("救助类别", KINDS.get(case.kind, case.kind)), ("行政区划", region),
             ("申请人", case.applicant_name), ("身份证号", case.applicant_id_number), ("户籍", HUKOU.get(case.hukou, case.hukou)),
             ("申请事由", _value(case.application.get("reason", ""))), ("登记时间", when(case.created_at)),
             ("受理日期", case.accepted_on.isoformat() if case.accepted_on else "未受理"),
             ("法定办结期限", (case.due_on.isoformat() + ("（已延长）" if case.extended else "")) if case.due_on else ""),
             ("办理结果", STATUSES.get(case.status, case.status)), ("办结时间", when(case.closed_at)),
             ("流程", f"{case.process_key} 第 {case.process_version} 版；政策参数 {case.rule_pack}")]
    household = [[str(m.get("name", "")), str(m.get("id_number", "")), RELATIONS.get(str(m.get("relation", "")), str(m.get("relation", "")))]
                 for m in case.household[:100]]
    computation: list[tuple[str, str]] = []
    history, completed = [], []
    for event in events(session, case):
        if event.type == "task.completed":
            completed.append(event)
        history.append([when(event.at), event.actor, EVENTS.get(event.type, event.type), event.element_id or ""])
        if event.type == "income.accounted":
            data = event.data
            computation = [("核算时间", when(event.at)), ("核算人", event.actor), ("政策参数", _value(data.get("rule_pack", "")))]
            computation += [(RESULT_LABELS.get(k, f"结果：{k}"), _value(v)) for k, v in (data.get("result") or {}).items()]
            computation += [(f"家庭：{k}", _value(v)) for k, v in (data.get("household") or {}).items()]
    rows = [[DOCUMENT_KINDS.get(d.kind, d.kind), d.filename, str(d.size), d.sha256] for d in docs]
    return Summary(
        title=f"一户一档　{case.number}", cover=cover, household=household, decisions=_decisions(session, registry, case, completed),
        computation=computation, documents=rows, history=history,
        footer=f"生成时间 {when(now)}。每份材料的 SHA-256 及全部办理记录的哈希链见 audit.jsonl，"
               "可用 `jiuzhu audit verify --archive 本文件.zip` 离线核验。",
    )

"""Example answers for ``/openapi.json``, for the operations whose models carry none.

Each is an answer the service gave for the README's dibao case (trimmed to one item where a list is
long); ``tests/web/test_docs.py`` checks every example against its operation's response model.
"""

from __future__ import annotations

from typing import Any

_FORM = [{"name": "visitors", "type": "list", "label": "入户调查人员（签字）", "required": True, "min_items": 2},
         {"name": "findings", "type": "text", "label": "调查情况", "required": True},
         {"name": "disputed", "type": "boolean", "label": "是否有争议", "required": True}]
TASK: dict[str, Any] = {
    "id": "263cc382-e4f7-4df1-bd24-9711ab39f303", "case_id": 1, "case_number": "DB-2026-000001", "kind": "dibao",
    "purpose": "application", "element_id": "home_visit", "name": "入户调查", "role": "township", "region": "220283101001",
    "status": "open", "opened_at": "2026-11-02T09:00:00+08:00", "due_on": "2026-11-16", "overdue": False, "form": _FORM,
    "completed_at": None, "completed_by": None, "applicant_name": "张三", "case_due_on": "2026-12-14", "case_overdue": False,
    "case_working_days_left": 30}
_POSITIONS = [{"element_id": "home_visit", "name": "入户调查", "kind": "user_task", "due_at": None},
              {"element_id": "deadline", "name": "法定办理期限", "kind": "timer", "due_at": "2026-12-15T00:00:00+08:00"}]
CASE: dict[str, Any] = {
    "id": 1, "number": "DB-2026-000001", "kind": "dibao", "purpose": "application", "subject_case_id": None, "status": "active",
    "region": "220283101001", "process": {"key": "dibao", "version": 1}, "rule_pack": "shulan-2023", "positions": _POSITIONS,
    "tasks": [TASK], "accepted_on": "2026-11-02", "due_on": "2026-12-14", "extended": False, "overdue": False,
    "working_days_left": 30, "created_at": "2026-11-02T09:00:00+08:00", "closed_at": None,
    "applicant": {"name": "张三", "id_number": "11010519491231002X"}, "household_size": 2, "facts": {"proposed_amount": 0.0},
    "incident": None}
HISTORY = [
    {"at": "2026-11-02T09:00:00+08:00", "actor": "wang", "type": "task.completed", "element_id": "accept",
     "data": {"task_id": "297acf2c-09e3-4183-b507-42fb138baff5", "data": {"materials_complete": True}}},
    {"at": "2026-11-02T09:00:00+08:00", "actor": "wang", "type": "case.accepted", "element_id": "accepted",
     "data": {"accepted_on": "2026-11-02", "due_on": "2026-12-14", "rule_pack": "shulan-2023", "limit_days": 30}}]
_VERSION = {"version": 2, "name": "最低生活保障审核确认", "checksum": "a85c40ab…", "filename": "dibao.bpmn",
            "deployed_at": "2026-11-20T10:12:00+08:00", "deployed_by": "li", "note": "核定金额须大于零", "layout_only": False}
_DRAW = {"month": "2026-11", "county": "220283", "kind": "dibao", "rule_pack": "shulan-2023", "ratio": 0.1,
         "seed": "9f2c41d0", "method": "sha256(seed, case number) 排序取前 N 件", "population": ["DB-2026-000001"],
         "sample": ["DB-2026-000001"], "drawn_at": "2026-12-01T09:00:00+08:00", "checks": []}
_BENEFICIARY: dict[str, Any] = {
    "id": 1, "number": "DB-2026-000001", "case_id": 1, "kind": "dibao", "status": "active", "region": "220283101001",
    "hukou": "rural", "applicant": {"name": "张三", "id_number": "220283********123X"}, "household_size": 2, "recheck_class": "B",
    "amount": 500, "support_mode": None, "self_care": None, "since": "2026-11-20", "next_recheck_on": "2027-05-20",
    "last_recheck_on": None, "rechecks": 0, "open_recheck": None, "stopped_on": None, "stop_reason": None}
_ROSTER_ROW = {"case_number": "DB-2026-000001", "name": "张三", "id_number": "220283********0013", "township": "220283101",
               "village": "220283101001", "kind": "dibao", "monthly_amount": 520, "amount": 520, "months": 1, "change": "new",
               "bank": "舒兰农商银行", "account": "6221********1234"}
_ROSTER: dict[str, Any] = {
    "id": 3, "county": "220283", "month": "2026-12", "kind": "regular", "status": "issued", "rule_pack": "shulan-2023", "months": 1,
    "pay_by": "2026-12-10", "row_count": 1, "rows": [_ROSTER_ROW],
    "held": [{"case_number": "DB-2026-000007", "name": "李四", "id_number": "220283********0021", "township": "220283101",
              "village": "220283101002", "kind": "dibao", "amount": 480, "reason": "deceased",
              "detail": {"died_on": "2026-11-20", "source": "殡葬信息"}}],
    "total": 520, "checksum": "5b0f…", "late": False, "created_at": "2026-12-01T09:00:00+08:00",
    "issued_at": "2026-12-01T10:30:00+08:00", "page": 1, "page_size": 100}

_EXTERNAL: dict[str, Any] = {
    "id": "5b0c2f7e-8d1a-4c3e-9f60-2a7d1e4b9c11", "case_id": 1, "element_id": "info_check", "name": "信息核对", "topic": "provincial_check",
    "status": "open", "worker_id": "platform-adapter-1", "lock_expires_at": "2026-11-02T09:05:00+08:00", "retries": None,
    "retry_at": None, "failures": 0, "error": None, "created_at": "2026-11-02T09:00:00+08:00", "completed_at": None}
_SUBSCRIPTION: dict[str, Any] = {
    "id": 1, "name": "county-dashboard", "url": "https://dashboard.example/hooks/jiuzhu", "types": ["case.closed"],
    "region": "220283000000", "active": True, "pending": 0, "failures": 0, "paused_until": None, "last_error": None,
    "created_at": "2026-11-02T09:00:00+08:00"}
EXAMPLES: dict[tuple[str, str], Any] = {
    ("GET", "/api/v1/cases"): {"items": [CASE], "total": 1, "page": 1, "page_size": 20},
    ("GET", "/api/v1/cases/{case_id}"): CASE,
    ("GET", "/api/v1/cases/{case_id}/history"): HISTORY,
    ("GET", "/api/v1/cases/{case_id}/path"): {
        "process": {"key": "dibao", "version": 1}, "positions": _POSITIONS,
        "completed": ["start", "prepare", "accept", "materials_gateway", "accepted", "deadline_split", "investigation_split"]},
    ("GET", "/api/v1/tasks"): {"items": [TASK], "total": 1, "page": 1, "page_size": 20},
    ("GET", "/api/v1/tasks/{task_id}"): TASK,
    ("GET", "/api/v1/processes"): {"items": [{"key": "dibao", "type": "bpmn", "name": "最低生活保障审核确认", "newest": 2,
                                              "versions": [_VERSION | {"version": 1, "note": None, "deployed_by": "system"}, _VERSION]}]},
    ("POST", "/api/v1/processes/validate"): {
        "valid": True, "key": "dibao", "type": "bpmn", "name": "最低生活保障审核确认", "checksum": "a85c40ab…",
        "newest_version": 2, "would_deploy_as": 2, "unchanged": True, "same_as": 2, "layout_only": False},
    ("GET", "/api/v1/processes/{key}/versions/{version}/xml"): '<?xml version="1.0" encoding="UTF-8"?>\n'
                                                              '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" …',
    ("POST", "/api/v1/processes/{key}/what-if"): {
        "process": "dibao", "candidate": {"type": "dmn", "key": "delegation", "name": "审核确认权限 who confirms"},
        "note": "办理中的案件保持原版本；部署后新案件按新规则办理", "cases": 1, "changed": 1,
        "items": [{"case_id": 1, "number": "DB-2026-000001", "kind": "dibao", "region": "220283101001", "process_version": 1,
                   "positions": ["publicity"], "position_names": ["公示"], "changed": True,
                   "summary": ["delegation.confirmer: 乡镇 → 县级"],
                   "routes": [{"decision": "delegation", "current": {"confirmer": "township"}, "candidate": {"confirmer": "county"},
                               "changed": True, "already_decided": False}]}]},
    ("GET", "/api/v1/calendar/add-working-days"): {"start": "2026-09-30", "days": 30, "date": "2026-11-17"},
    ("GET", "/api/v1/calendar/{year}"): {
        "year": 2026, "holidays": ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07"],
        "workdays": ["2026-09-20", "2026-10-10"], "source": "国办发明电〔2025〕7号", "provisional": False},
    ("GET", "/api/v1/supervision/overdue"): {
        "as_of": "2027-01-01", "at_risk_days": 5, "totals": {"overdue": 1, "at_risk": 0, "stage_overdue": 1},
        "townships": [{"township": "220283101", "overdue": 1, "at_risk": 0, "stage_overdue": 1, "cases": [
            {"id": 1, "number": "DB-2026-000001", "kind": "dibao", "region": "220283101001", "due_on": "2026-12-14",
             "status": "overdue", "working_days_over": 13, "working_days_left": -13, "stage": ["home_visit"]}],
            "late_tasks": [{"task_id": "263cc382-e4f7-4df1-bd24-9711ab39f303", "case_id": 1, "number": "DB-2026-000001",
                            "region": "220283101001", "element_id": "home_visit", "name": "入户调查", "role": "township",
                            "due_on": "2026-11-16", "working_days_over": 33}]}]},
    ("GET", "/api/v1/reports/monthly"): {
        "month": "2026-11", "townships": [{"township": "220283101", "accepted": 12, "approved": 9, "rejected": 1, "withdrawn": 0,
                                           "overdue": 1, "median_working_days": 21}],
        "totals": {"accepted": 12, "approved": 9, "rejected": 1, "withdrawn": 0, "overdue": 1, "median_working_days": 21}},
    ("GET", "/api/v1/publicity"): {"items": [{"case_number": "DB-2026-000001", "kind": "dibao", "name": "张*", "household_size": 2, "amount": 500,
                                              "place": "220283101001", "from": "2026-11-03", "until": "2026-11-09"}], "total": 1},
    ("GET", "/api/v1/spot-checks"): [_DRAW],
    ("GET", "/healthz"): {"status": "ok"},
    ("POST", "/api/v1/registers/deaths"): {"imported": 12, "already_known": 3, "matched_beneficiaries": 1, "flagged_cases": 1},
    ("GET", "/api/v1/cases/{case_id}/income"): {
        "case_id": 1, "rule_pack": "shulan-2023", "household": {"members": 2, "income": {"wages": 600}, "expenditure": {"medical": 200}},
        "result": {"counted": 600, "exempt": 0, "deductions": 200, "net_income": 400, "per_capita": 200, "standard": 700,
                   "near_line": False, "status": "eligible", "basis": "家庭人均收入低于当地低保标准", "amount": 500},
        "recorded_at": "2026-11-05T10:00:00+08:00", "recorded_by": "wang"},
    ("GET", "/api/v1/payrolls"): [{k: v for k, v in _ROSTER.items() if k not in ("rule_pack", "months", "rows", "held", "created_at",
                                                                                  "page", "page_size")} | {"held_count": 1}],
    ("GET", "/api/v1/payrolls/{payroll_id}"): _ROSTER,
    ("POST", "/api/v1/payrolls/{payroll_id}/issue"): _ROSTER,
    ("GET", "/api/v1/payrolls/overpayments"): {"items": [{
        "case_number": "DB-2026-000007", "name": "李四", "stopped_on": "2026-11-20", "months": 1, "amount": 480,
        "reason": "deceased", "recorded_at": "2026-12-01T09:00:00+08:00"}], "total_amount": 480},
    ("GET", "/api/v1/supervision/scrutiny"): {
        "as_of": "2026-12-01", "totals": {"open_reports": 1, "overdue_reports": 0, "open_batches": 1, "overdue_batches": 0,
                                          "missing_reports": 1},
        "townships": [{"township": "220283101", "open_reports": 1, "overdue_reports": 0, "open_batches": 1, "overdue_batches": 0,
                       "missing_reports": 1,
                       "reports": [{"case_id": 12, "number": "JB-2026-000012", "region": "220283101001", "subject": "疑似隐瞒收入",
                                    "received_on": "2026-11-25", "due_on": "2026-12-09", "overdue": False}],
                       "batches": [{"case_id": 13, "number": "FC-2026-000013", "month": "2026-11", "decisions": 4,
                                    "due_on": "2026-12-15", "overdue": False}],
                       "missing": [{"beneficiary_id": 1, "number": "DB-2026-000001", "region": "220283101001",
                                    "township": "220283101", "kind": "dibao", "recheck_class": "C", "due_on": "2026-11-30",
                                    "last_report_on": None}]}]},
    ("GET", "/api/v1/publicity/beneficiaries"): {"items": [{"kind": "dibao", "name": "张*", "household_size": 2, "amount": 520,
                                                            "place": "220283101001", "since": "2026-11-20"}], "total": 1},
    ("GET", "/api/v1/publicity/decisions"): {"items": [{
        "case_number": "DB-2026-000001", "kind": "dibao", "name": "张*", "household_size": 2, "amount": 520, "place": "220283101001",
        "decided_on": "2026-11-20", "after_the_fact": False}], "total": 1},
    ("GET", "/api/v1/public/reports/{receipt}"): {"status": "received"},
    ("GET", "/api/v1/beneficiaries/{beneficiary_id}/periodic-reports"): {"items": [{
        "id": 1, "reported_on": "2026-11-28", "changed": False, "note": "家庭收入无变化", "recorded_by": "wang", "recheck": None,
        "next_report_due": "2027-02-28"}], "next_report_due": "2027-02-28"},
    ("GET", "/api/v1/beneficiaries"): {"items": [_BENEFICIARY], "total": 1, "page": 1, "page_size": 20},
    ("GET", "/api/v1/beneficiaries/{beneficiary_id}"): _BENEFICIARY | {"recheck_cases": [
        {"id": 7, "number": "FH-2027-000007", "status": "approved", "outcome": "continue",
         "created_at": "2027-05-06T09:00:00+08:00", "closed_at": "2027-05-18T16:20:00+08:00"}]},
    ("GET", "/api/v1/beneficiaries/{beneficiary_id}/history"): [
        {"at": "2026-11-20T15:00:00+08:00", "actor": "wang", "type": "beneficiary.created", "element_id": None,
         "data": {"case_number": "DB-2026-000001", "amount": 500, "recheck_class": "B"}}],
    ("GET", "/api/v1/registers/near-relatives"): {"items": [{
        "case_id": 3, "number": "DB-2026-000003", "kind": "dibao", "status": "active", "region": "220283101002",
        "applicant": {"name": "王五", "id_number": "220283********0015"}, "detail": {"staff": "乡镇民政助理员", "kinship": "兄弟"},
        "registered_at": "2026-11-05T10:00:00+08:00",
        "county_home_visit": {"status": "open", "due_on": "2026-11-19", "completed_at": None, "completed_by": None}}],
        "total": 1, "page": 1, "page_size": 20},
    ("POST", "/api/v1/external-tasks/{task_id}/extend-lock"): _EXTERNAL,
    ("POST", "/api/v1/external-tasks/{task_id}/retry"): {**_EXTERNAL, "status": "open", "worker_id": None, "lock_expires_at": None,
                                                          "retries": 1, "failures": 3, "error": "省级平台无响应 (timeout)"},
    ("GET", "/api/v1/external-tasks"): [_EXTERNAL],
    ("GET", "/api/v1/webhooks"): [_SUBSCRIPTION],
    ("DELETE", "/api/v1/webhooks/{subscription_id}"): {**_SUBSCRIPTION, "active": False},
    ("GET", "/api/v1/documents/{document_id}"): "(the file's bytes: %PDF-1.7 …)",
    ("GET", "/api/v1/cases/{case_id}/archive"): "(a ZIP: summary.pdf, audit.jsonl, manifest.json, documents/home_visit_record-….pdf)",
}

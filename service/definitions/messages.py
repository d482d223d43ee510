"""Refusal reasons a designer can act on: in Chinese (the English beside it), naming the element by
its label and id, and saying which of its properties is wrong so the designer's page can show it there.
"""

from __future__ import annotations

import re
from typing import Any

from ..engine import Problem

# Which property of the element a reason is about (its English prefix), as the properties panel names it.
_FIELDS = (
    (re.compile(r"^conditionExpression: "), "condition"),
    (re.compile(r"^time(Date|Duration|Cycle): "), "timer"),
    (re.compile(r"^(script|preScript|postScript): "), "script"),
    (re.compile(r"^role: "), "role"),
    (re.compile(r"^deadline"), "deadline"),
    (re.compile(r"^form field '([^']*)'"), "form.{0}"),
    (re.compile(r"^form has a field twice"), "form"),
    (re.compile(r"^(user task has no role|lane ')"), "role"),
)

_WHAT = {
    "conditionExpression": "条件表达式", "timeDate": "定时（日期）", "timeDuration": "定时（时长）", "timeCycle": "定时（周期）",
    "script": "脚本", "preScript": "前置脚本", "postScript": "后置脚本", "role": "办理角色", "messagePayload": "消息内容",
    "loopCardinality": "循环次数", "completionCondition": "完成条件", "condition": "条件",
}

# English reason (after its property prefix) → Chinese. The first match wins; groups fill the template.
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), zh) for p, zh in (
    (r"^syntax error", "语法错误"),
    (r"^unknown function (.+?)(:|$)", "调用了未知的函数 {0}"),
    (r"^name '(.+?)' is not allowed", "名称 {0} 不允许使用（不能以下划线开头）"),
    (r"^attribute( access)? '(.+?)' is not allowed", "不允许访问属性 {1}"),
    (r"^(\w+) is not allowed", "不允许使用 {0} 语法"),
    (r"^operator (\w+) is not allowed", "不允许使用运算符 {0}"),
    (r"^always fails", "表达式必然出错"),
    (r"^empty expression", "表达式为空"),
    (r"^a JUEL expression", "这是 Camunda 7 的 JUEL 表达式，请改写为 Python 风格（如 approved 或 amount > 1000）"),
    (r"^a FEEL expression", "这是 Camunda 8 的 FEEL 表达式，请去掉开头的“=”并改写为 Python 风格"),
    (r"^scriptFormat", "不支持该脚本格式，脚本须为服务校验的 Python 风格赋值语句"),
    (r"^timer texts are expressions", "定时是表达式，固定文本须加引号"),
    (r"^not an ISO 8601", "不是 ISO 8601 日期、时长或周期"),
    (r"^a timer must give an ISO 8601 string", "定时须得出 ISO 8601 文本"),
    (r"^timer has no expression", "定时没有表达式"),
    (r"does not evaluate under rule pack '(.+?)'", "在规则包 {0} 下无法求值（规则名称拼写错误或日期不存在？）"),
    (r"^deadline needs", "阶段期限须写 workingDays=\"…\"（工作日）或 calendarDays=\"…\"（自然日）"),
    (r"^must give a whole number of days", "须为整数天数"),
    (r"^form field '(.+?)': unknown attribute", "表单字段 {0}：有未知的属性"),
    (r"^form field '(.+?)': name must be", "表单字段 {0}：名称须为英文标识符"),
    (r"^form field '(.+?)': type", "表单字段 {0}：类型不正确"),
    (r"^form field '(.+?)': an enum needs", "表单字段 {0}：选项类型须列出选项"),
    (r"^form field '(.+?)': min", "表单字段 {0}：最小值、最大值须为数字"),
    (r"^form field '(.+?)': requiredWhen", "表单字段 {0}：必填条件有误"),
    (r"^form has a field twice", "表单中有重复的字段"),
    (r"^user task has no role", "人工任务没有办理角色：请放入名为 村（居）委会 / 乡镇（街道） / 县级民政部门 的泳道，或设置 <jiuzhu:role>"),
    (r"^lane '(.+?)' is not a role", "泳道“{0}”不是办理角色（村（居）委会、乡镇（街道）、县级民政部门）"),
    (r"^decision '(.+?)' is not deployed", "决策表 {0} 尚未部署（请先部署其 DMN 文件）"),
    (r"service tasks call external systems", "不支持服务任务（调用外部系统）"),
    (r"^send tasks are not supported", "不支持发送任务"),
    (r"^complex gateways are not supported", "不支持复杂网关"),
    (r"^no executable process", "没有可执行的流程（请在流程上设置 isExecutable=\"true\"）"),
    (r"^more than one executable process", "一个文件中有多个可执行流程，请每个文件部署一个"),
    (r"^the executable process needs an id", "流程标识只能由字母、数字、_、-、. 组成"),
    (r"^not well-formed XML", "XML 格式不正确"),
    (r"^refused XML", "拒绝的 XML：不允许 DTD 和实体"),
    (r"^file larger than", "文件过大"),
    (r"^not a BPMN 2.0 or DMN file", "不是 BPMN 2.0 或 DMN 文件"),
    (r"is already deployed as a", "该标识已作为另一类文件部署"),
    (r"^a DMN file must hold exactly one decision", "DMN 文件须恰好包含一个决策"),
    (r"^the decision has no decision table", "决策没有决策表"),
    (r"^cannot be parsed", "无法解析"),
    (r"(longer than|too large|too long)", "超出长度或大小限制"),
))


def field_of(reason: str) -> str | None:
    for pattern, name in _FIELDS:
        found = pattern.match(reason)
        if found:
            return name.format(*found.groups())
    return None


def chinese(reason: str) -> str:
    """The Chinese for an English refusal reason; its property named first (e.g. 条件表达式：语法错误)."""
    what, _, rest = reason.partition(": ")
    prefix = ""
    if what in _WHAT and rest:
        prefix, reason = _WHAT[what] + "：", rest
    elif what == "deadline" and rest:
        prefix, reason = "阶段期限：", rest
    for pattern, zh in _REASONS:
        found = pattern.search(reason)
        if found:
            return prefix + zh.format(*(g or "" for g in found.groups()))
    return prefix + "不符合部署要求"


def where(element_id: str | None, names: dict[str, str]) -> str:
    if not element_id:
        return ""
    name = names.get(element_id, "")
    return f"「{name}」（{element_id}）" if name else f"（{element_id}）"


def problem_out(problem: Problem, names: dict[str, str], field: str = "file") -> dict[str, Any]:
    """One item of a 422's ``detail``: ``msg`` in Chinese with the English beside it."""
    zh = chinese(problem.reason)
    place = where(problem.element_id, names)
    return {
        "loc": ["body", field], "type": "definition_invalid",
        "msg": f"{place}{'：' if place else ''}{zh}（{problem.reason}）",
        "element_id": problem.element_id, "element_name": names.get(problem.element_id or "", ""),
        "field": field_of(problem.reason), "reason": problem.reason,
    }

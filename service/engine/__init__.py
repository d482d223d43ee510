"""The workflow engine: the only package that imports SpiffWorkflow.

Everything else speaks of compiled processes, instances, snapshots and plain errors from here.
"""

from .cache import WorkflowCache
from .expressions import EvaluationFailed, ExpressionError, ForbiddenExpression
from .external import ExternalTaskInfo
from .loader import CompiledDecision, CompiledProcess, compile_bpmn, compile_dmn
from .model import (
    DOCUMENT_KINDS,
    CheckFailed,
    DefinitionInvalid,
    FieldSpec,
    Happened,
    Host,
    Position,
    Problem,
    ProcessError,
    ReadyExternal,
    ReadyTask,
    Snapshot,
    UserTaskInfo,
    WaitingTimer,
)
from .rows import SERIALIZER_VERSION
from .runtime import Instance

__all__ = [
    "DOCUMENT_KINDS",
    "SERIALIZER_VERSION",
    "CheckFailed",
    "CompiledDecision",
    "CompiledProcess",
    "DefinitionInvalid",
    "EvaluationFailed",
    "ExternalTaskInfo",
    "ExpressionError",
    "FieldSpec",
    "ForbiddenExpression",
    "Happened",
    "Host",
    "Instance",
    "Position",
    "Problem",
    "ProcessError",
    "ReadyExternal",
    "ReadyTask",
    "Snapshot",
    "UserTaskInfo",
    "WaitingTimer",
    "WorkflowCache",
    "compile_bpmn",
    "compile_dmn",
]

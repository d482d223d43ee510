"""What bounding the work costs on the hot path, as ratios to baselines measured in the same run.

    python -m benchmarks.evaluator [--repeat N]

1. **Expressions**: the safe evaluator (sizes counted through every operation, steps and CPU time
   budgeted) against Python's own ``eval`` of the same compiled text over the same names, for the
   kinds of expressions the shipped diagrams and decision tables use.
2. **Task completions**: the service's engine (safe evaluator, per-operation budget of steps and
   CPU time, cycle and multi-instance checks) walking the four dibao steps to publicity, restoring
   and dumping the workflow JSON at each, against the bare SpiffWorkflow step of
   ``benchmarks/engine_step.py`` (plain ``eval``), interleaved so both see the same machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import engine_step  # noqa: E402
from benchmarks.scenario import STEPS, start_data  # noqa: E402
from service.clock import SystemClock  # noqa: E402
from service.engine import Host, Instance, compile_bpmn, compile_dmn  # noqa: E402
from service.engine.expressions import evaluate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NAMES = {"materials_complete": True, "household": [{"age": 70}, {"age": 12}, {"age": 40}], "amount": 1200, "kind": "dibao",
         "info": {"result": "pass"}, "name": "张三", "approved": True, "household_size": 3, "monthly_income": 400}
EXPRESSIONS = [
    "materials_complete",
    "approved and amount > 0",
    "kind in ('dibao', 'tekun') and household_size >= 2",
    "monthly_income / household_size < rule('standard')",
    "len([m for m in household if m['age'] >= 60]) > 0",
    "info.get('result', 'fail') == 'pass'",
    "max(amount, 1500) - min(monthly_income, 2000)",
]
FUNCTIONS = {"rule": lambda name: 700}


def _time(run: Any, repeat: int) -> float:
    began = time.perf_counter()
    for _ in range(repeat):
        run()
    return (time.perf_counter() - began) / repeat


def expressions(repeat: int) -> list[tuple[str, float, float]]:
    rows = []
    for source in EXPRESSIONS:
        code = compile(source, "<expr>", "eval")
        scope = {**NAMES, **FUNCTIONS}
        assert evaluate(source, NAMES, FUNCTIONS) == eval(code, {"__builtins__": __builtins__}, scope)  # noqa: S307 - the baseline
        safe = _time(lambda s=source: evaluate(s, NAMES, FUNCTIONS), repeat)
        bare = _time(lambda c=code, n=scope: eval(c, {"__builtins__": __builtins__}, n), repeat)  # noqa: S307 - the baseline
        rows.append((source, safe, bare))
    return rows


def _service_walk(process: Any, functions: dict[str, Any]) -> list[float]:
    host = Host(SystemClock().now(), functions)
    instance, snapshot = Instance.start(process, start_data(), host)
    state = instance.dump()
    times = []
    for element_id, data in STEPS:
        began = time.perf_counter()
        instance = Instance.restore(process, state)
        task = next(t for t in instance.snapshot(host).ready if t.element_id == element_id)
        instance.complete_task(task.task_id, data, host)
        state = instance.dump()
        times.append(time.perf_counter() - began)
    return times


def completions(walks: int) -> tuple[float, float]:
    baseline = engine_step.Baseline()
    decision = compile_dmn((ROOT / "processes" / "delegation.dmn").read_bytes(), baseline.functions)
    process = compile_bpmn((ROOT / "processes" / "dibao.bpmn").read_bytes(), {decision.key: decision}, baseline.functions)
    service: list[float] = []
    for _ in range(walks):
        baseline.walk()
        service += _service_walk(process, baseline.functions)
    return statistics.median(service), statistics.median(baseline.all())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20_000)
    parser.add_argument("--walks", type=int, default=30)
    args = parser.parse_args()
    rows = expressions(args.repeat)
    for source, safe, bare in rows:
        print(f"{safe * 1e6:8.2f} µs safe  {bare * 1e6:6.2f} µs eval  ×{safe / bare:5.1f}  {source}")
    geo = statistics.geometric_mean([safe / bare for _, safe, bare in rows])
    print(f"expressions: safe evaluator / eval, geometric mean ×{geo:.1f}")
    if not args.walks:
        return
    service, bare = completions(args.walks)
    print(f"task completion (median step): service engine {service * 1e3:.2f} ms, bare SpiffWorkflow {bare * 1e3:.2f} ms, "
          f"ratio ×{service / bare:.2f}")


if __name__ == "__main__":
    main()

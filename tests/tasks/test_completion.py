"""What a completion answers: the case as a fresh read shows it."""

from __future__ import annotations

from ..factories import ACCEPT, INFO, VISIT, Api


def test_the_answer_shows_the_open_tasks_as_a_fresh_read_does(api: Api) -> None:
    case = api.create()
    for element_id, data, still_open in [("accept", ACCEPT, ["home_visit", "info_check"]), ("info_check", INFO, ["home_visit"]),
                                         ("home_visit", VISIT, ["review"])]:
        answer = api.step(case["id"], element_id, data)
        assert sorted(t["element_id"] for t in answer["tasks"]) == still_open
        assert answer["tasks"] == api.case(case["id"])["tasks"]  # same tasks, order, times and forms

"""Open applications whose applicant is on the death register are flagged (a follower of the register)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from ..audit import service as audit
from .models import Case, CasePerson

if TYPE_CHECKING:
    from ..registers.deaths import DeathsRecorded


def follow_deaths(event: DeathsRecorded) -> None:
    """Each active application naming a newly registered dead person as applicant: ``case.death_reported``."""
    by_id = {d.id_number: d for d in event.deaths}
    query = (select(Case).join(CasePerson, CasePerson.case_id == Case.id)
             .where(CasePerson.id_number.in_(list(by_id)), CasePerson.relation == "applicant", Case.status == "active",
                    Case.purpose == "application")
             .order_by(Case.id).with_for_update(of=Case))
    for case in event.op.session.scalars(query).all():
        death = by_id[case.applicant_id_number]
        case.facts = {**(case.facts or {}), "death_reported": {"died_on": death.died_on.isoformat(), "source": death.source}}
        audit.record(event.op.session, case=case, at=event.op.now, actor=event.op.actor, type="case.death_reported",
                     data={"died_on": death.died_on, "source": death.source})
        event.counts.flagged_cases += 1

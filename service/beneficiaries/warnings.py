"""The city's data-comparison warning (预警信息) as a message: it opens the on-demand recheck of the person.

Seed 001 §七(三): the city sends warnings from its data comparison, and the county has the
beneficiary rechecked. A ``data_warning`` message names the beneficiary by the number of the case
that approved them or by their resident ID number (the business key); its ``reason`` (and
``source``) are recorded with the recheck. A recheck already open takes the warning: no second one.
"""

from __future__ import annotations

from sqlalchemy import select

from ..auth.service import in_scope
from ..cases.models import Case
from ..messages.service import Incoming
from .models import Beneficiary
from .service import RecheckDemand, recheck_on_demand

DATA_WARNING = "data_warning"


def follow_data_warning(event: Incoming) -> None:
    if event.name != DATA_WARNING or event.case is not None:
        return
    session = event.op.session
    names = Beneficiary.number == event.case_number if event.case_number else Beneficiary.applicant_id_number == event.business_key
    found = session.scalars(select(Beneficiary).where(Beneficiary.status == "active", names).order_by(Beneficiary.id).with_for_update())
    b = next((b for b in found if in_scope(event.sender, b.region)), None)
    if b is None:
        return
    if b.recheck_case_id is not None:  # the open recheck takes the warning
        event.case = session.get(Case, b.recheck_case_id)
        return
    reason = str(event.variables.get("reason") or "数据比对预警 data-comparison warning")[:500]
    source = f"{str(event.variables.get('source') or event.sender.name)[:100]} (message {event.message_id})"
    event.case = recheck_on_demand(event.op, b, RecheckDemand("data_warning", reason, source=source))

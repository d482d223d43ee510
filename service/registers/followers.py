"""Who follows a death new on the register: the beneficiaries, the open applications, the overpayments."""

from __future__ import annotations

from ..beneficiaries.service import follow_deaths as suspend_beneficiaries
from ..cases.deaths import follow_deaths as flag_applications
from ..payroll.overpay import follow_deaths as record_overpayments
from .deaths import DeathsRecorded


def publish_deaths(event: DeathsRecorded) -> None:
    suspend_beneficiaries(event)
    flag_applications(event)
    record_overpayments(event)

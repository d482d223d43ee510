"""Who follows which event: every cross-domain side effect, registered in one place.

A domain publishes its events (:mod:`service.events`) without knowing who follows them; this
module, run once when a process builds its services, registers each follower. To make something
happen in your domain when a case closes, write ``def follow_...(event: CaseClosed) -> None`` in
your domain and add a line below; to publish a new event, give it a :class:`~service.events.Topic`
next to the code that publishes it.

Followers of ``case.closed`` (:data:`~service.cases.workflow.CASE_CLOSED`), in this order:

- an approved dibao or tekun application becomes a beneficiary; a recheck's outcome is applied
  (:mod:`service.beneficiaries`);
- a completed spot check is recorded on the case it checked, and may open a recheck or reopen a
  wrongly refused application (:mod:`service.spotchecks`);
- a triaged public report opens the recheck or spot check it asked for (:mod:`service.public_reports`);
- a full-review batch's opinions go onto each decided case; a revoked benefit is rechecked (:mod:`service.fullreview`);
- a case closed by its ``archive`` task keeps its household archive (一户一档) as a document (:mod:`service.archive`).

Followers of ``task.completing`` (:data:`~service.tasks.service.TASK_COMPLETING`), which may refuse
the data with a 422:

- a report's ``triage`` must name a beneficiary of its county (:mod:`service.public_reports`);
- a ``review_batch`` needs an opinion on every decision it lists (:mod:`service.fullreview`);
- a spot check of a refusal finds it consistent or wrongly refused, and only a refusal is wrongly
  refused (:mod:`service.spotchecks`);
- a form's ``document`` field names a document of the case, of its kind, for this task or the case
  (:mod:`service.documents`).

Followers of ``deaths.recorded`` (:data:`~service.registers.deaths.DEATHS_RECORDED`, people new on
the death register), in this order:

- a beneficiary among them is suspended from every roster and a recheck opens (:mod:`service.beneficiaries`);
- an open application naming one as applicant is flagged (:mod:`service.cases.deaths`);
- what issued rosters paid after the death is recorded as an overpayment (:mod:`service.payroll.overpay`).

Followers of every audit event (:data:`~service.audit.service.AUDIT_RECORDED`), in its transaction:

- the outbox offers it to the webhook subscriptions that want it (:mod:`service.outbox`).

Followers of a message no waiting case took (:data:`~service.messages.service.MESSAGE_RECEIVED`):

- the city's data-comparison warning ``data_warning`` opens the on-demand recheck of the
  beneficiary it names (:mod:`service.beneficiaries.warnings`).
"""

from __future__ import annotations

from .archive.service import follow_case_end as keep_archive
from .audit.service import AUDIT_RECORDED
from .beneficiaries.service import follow_case_end
from .beneficiaries.service import follow_deaths as suspend_beneficiaries
from .beneficiaries.warnings import follow_data_warning
from .cases.deaths import follow_deaths as flag_applications
from .cases.workflow import CASE_CLOSED
from .clock import Clock
from .config import Settings
from .documents.service import check_fields as check_document_fields
from .events import Followers
from .fullreview.service import check_batch, follow_batch_end
from .messages.service import MESSAGE_RECEIVED
from .outbox.service import follow_audit
from .payroll.overpay import follow_deaths as record_overpayments
from .public_reports.service import check_triage, follow_report_end
from .registers.deaths import DEATHS_RECORDED
from .services import Services
from .spotchecks.service import check_conclusion, follow_spot_check_end
from .tasks.service import TASK_COMPLETING


def register(followers: Followers) -> None:
    followers.follow(CASE_CLOSED, follow_case_end)
    followers.follow(CASE_CLOSED, follow_spot_check_end)
    followers.follow(CASE_CLOSED, follow_report_end)
    followers.follow(CASE_CLOSED, follow_batch_end)
    followers.follow(CASE_CLOSED, keep_archive)
    followers.follow(TASK_COMPLETING, check_triage)
    followers.follow(TASK_COMPLETING, check_batch)
    followers.follow(TASK_COMPLETING, check_conclusion)
    followers.follow(TASK_COMPLETING, check_document_fields)
    followers.follow(DEATHS_RECORDED, suspend_beneficiaries)
    followers.follow(DEATHS_RECORDED, flag_applications)
    followers.follow(DEATHS_RECORDED, record_overpayments)
    followers.follow(MESSAGE_RECEIVED, follow_data_warning)
    followers.follow(AUDIT_RECORDED, follow_audit)


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    """The services of one process, every follower registered."""
    return Services.build(settings, clock, register)

"""Imports every domain's models so the metadata is complete (for Alembic and create_all)."""

from __future__ import annotations


def load_all() -> None:
    from . import state  # noqa: F401
    from .audit import models as audit  # noqa: F401
    from .auth import models as auth  # noqa: F401
    from .beneficiaries import models as beneficiaries  # noqa: F401
    from .calendar import models as calendar  # noqa: F401
    from .cases import models as cases  # noqa: F401
    from .definitions import models as definitions  # noqa: F401
    from .documents import models as documents  # noqa: F401
    from .external import models as external  # noqa: F401
    from .fullreview import models as fullreview  # noqa: F401
    from .income import models as income  # noqa: F401
    from .messages import models as messages  # noqa: F401
    from .outbox import models as outbox  # noqa: F401
    from .payroll import models as payroll  # noqa: F401
    from .public_reports import models as public_reports  # noqa: F401
    from .regions import models as regions  # noqa: F401
    from .registers import models as registers  # noqa: F401
    from .spotchecks import models as spotchecks  # noqa: F401
    from .tasks import models as tasks  # noqa: F401
    from .timers import models as timers  # noqa: F401

"""The roles a user may have, in one list."""

from __future__ import annotations

VILLAGE, TOWNSHIP, COUNTY, DESIGNER, ADMIN = "village", "township", "county", "designer", "admin"
SERVICE = "service"  # an integration (a platform adapter, a bank gateway): only its topics, in its region
ROLES = (VILLAGE, TOWNSHIP, COUNTY, DESIGNER, ADMIN, SERVICE)
SERVICE_PATHS = ("/api/v1/external-tasks", "/api/v1/messages")  # all a service user may call
CASEWORKERS = (VILLAGE, TOWNSHIP, COUNTY)  # the roles a diagram's lanes and tasks name

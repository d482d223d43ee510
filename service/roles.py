"""The roles a user may have, in one list."""

from __future__ import annotations

VILLAGE, TOWNSHIP, COUNTY, DESIGNER, ADMIN = "village", "township", "county", "designer", "admin"
ROLES = (VILLAGE, TOWNSHIP, COUNTY, DESIGNER, ADMIN)
CASEWORKERS = (VILLAGE, TOWNSHIP, COUNTY)  # the roles a diagram's lanes and tasks name

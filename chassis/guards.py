"""The one permission guard every service uses: small checks on the verified `Principal` that
raise a 403 problem when the caller may not act. (No token at all is a 401, raised earlier by
the `principal` dependency.) The matrix they encode is `docs/permissions.md`.
"""

from __future__ import annotations

from chassis.auth import Principal
from chassis.logging import get_logger
from chassis.problems import Problem

log = get_logger("chassis.guards")


def _denied(principal: Principal, rule: str, detail: str) -> Problem:
    # A denial is a security event: log the rule and the roles, never the token or the `sub`
    # (logs carry no personal data; the request id ties the line to the request).
    log.info("auth.denied", rule=rule, roles=sorted(principal.roles), staff_of=principal.tenant)
    return Problem(403, detail)


def require_role(principal: Principal, *roles: str) -> Principal:
    """The caller holds at least one of `roles` (for any council)."""
    if not principal.has_role(*roles):
        raise _denied(principal, "role", f"This needs one of the roles: {', '.join(roles)}.")
    return principal


def require_citizen(principal: Principal) -> Principal:
    return require_role(principal, "citizen")


def require_platform_admin(principal: Principal) -> Principal:
    """The regional CDTO's team: acts across every council."""
    if not principal.has_role("platform_admin"):
        raise _denied(principal, "platform_admin", "Only a platform administrator may do this.")
    return principal


def require_staff_of(principal: Principal, tenant: str) -> Principal:
    """An official or tenant admin of THIS council; staff of another council are refused."""
    if not principal.is_staff_of(tenant):
        raise _denied(principal, "staff_of", f"Only the staff of council '{tenant}' may do this.")
    return principal


def require_tenant_admin_of(principal: Principal, tenant: str) -> Principal:
    """The council's own administrator (settings, staff, catalogues)."""
    if not (principal.tenant == tenant and principal.has_role("tenant_admin")):
        raise _denied(
            principal,
            "tenant_admin_of",
            f"Only an administrator of council '{tenant}' may do this.",
        )
    return principal


def require_staff_of_or_platform_admin(principal: Principal, tenant: str) -> Principal:
    """Council figures: the council's own staff, or the region's platform administrators."""
    if not (principal.is_staff_of(tenant) or principal.has_role("platform_admin")):
        raise _denied(
            principal,
            "staff_of_or_platform_admin",
            f"Only the staff of council '{tenant}' or a platform administrator may do this.",
        )
    return principal


__all__ = [
    "require_citizen",
    "require_platform_admin",
    "require_role",
    "require_staff_of",
    "require_staff_of_or_platform_admin",
    "require_tenant_admin_of",
]

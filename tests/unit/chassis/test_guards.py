"""The chassis guard: each role may do exactly what docs/permissions.md says, and staff of one
council never act for another."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from chassis.auth import Principal
from chassis.guards import (
    require_citizen,
    require_platform_admin,
    require_role,
    require_staff_of,
    require_staff_of_or_platform_admin,
    require_tenant_admin_of,
)
from chassis.problems import Problem

CITIZEN = Principal("c1", roles=frozenset({"citizen"}))
OFFICIAL_A = Principal("o1", roles=frozenset({"official"}), tenant="alpha")
ADMIN_A = Principal("a1", roles=frozenset({"tenant_admin"}), tenant="alpha")
OFFICIAL_B = Principal("o2", roles=frozenset({"official"}), tenant="beta")
PLATFORM = Principal("p1", roles=frozenset({"platform_admin"}))
NOBODY = Principal("n1")

Guard = Callable[[Principal], Principal]
GUARDS: dict[str, Guard] = {
    "citizen": require_citizen,
    "staff_of_alpha": lambda p: require_staff_of(p, "alpha"),
    "tenant_admin_of_alpha": lambda p: require_tenant_admin_of(p, "alpha"),
    "staff_of_alpha_or_platform": lambda p: require_staff_of_or_platform_admin(p, "alpha"),
    "platform_admin": require_platform_admin,
}
# guard -> who passes; everyone else gets 403.
ALLOWED = {
    "citizen": {CITIZEN},
    "staff_of_alpha": {OFFICIAL_A, ADMIN_A},
    "tenant_admin_of_alpha": {ADMIN_A},
    "staff_of_alpha_or_platform": {OFFICIAL_A, ADMIN_A, PLATFORM},
    "platform_admin": {PLATFORM},
}
EVERYONE = (CITIZEN, OFFICIAL_A, ADMIN_A, OFFICIAL_B, PLATFORM, NOBODY)


@pytest.mark.parametrize("guard", list(GUARDS))
@pytest.mark.parametrize("principal", EVERYONE, ids=lambda p: p.sub)
def test_guard_allows_exactly_the_matrix(guard: str, principal: Principal) -> None:
    if principal in ALLOWED[guard]:
        assert GUARDS[guard](principal) is principal
    else:
        with pytest.raises(Problem) as denied:
            GUARDS[guard](principal)
        assert denied.value.status == 403 and denied.value.detail


def test_staff_of_another_council_are_refused_with_403() -> None:
    with pytest.raises(Problem) as denied:
        require_staff_of(OFFICIAL_B, "alpha")
    assert denied.value.status == 403
    assert "alpha" in denied.value.detail


def test_a_staff_token_without_a_council_is_staff_of_none() -> None:
    loose = Principal("o3", roles=frozenset({"official"}))
    with pytest.raises(Problem):
        require_staff_of(loose, "alpha")


def test_require_role_accepts_any_of_the_roles() -> None:
    assert require_role(OFFICIAL_A, "citizen", "official") is OFFICIAL_A
    with pytest.raises(Problem) as denied:
        require_role(CITIZEN, "official", "tenant_admin")
    assert "official" in denied.value.detail

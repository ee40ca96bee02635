"""HTTP edge of the staff workflow: one POST per action on an appeal (council staff only)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, post
from litestar.params import JSONBody

from chassis.auth import Principal
from services.appeals.staff_use_cases import StaffUseCases
from services.appeals.views import AppealView, to_view


class AssignBody(msgspec.Struct, forbid_unknown_fields=True):
    department: str
    assignee: str | None = None


class ExtendBody(msgspec.Struct, forbid_unknown_fields=True):
    days: int
    reason: str


class ForwardBody(msgspec.Struct, forbid_unknown_fields=True):
    to: str
    reason: str


class ReasonBody(msgspec.Struct, forbid_unknown_fields=True):
    reason: str


class AnswerBody(msgspec.Struct, forbid_unknown_fields=True):
    text: str


class PriorityBody(msgspec.Struct, forbid_unknown_fields=True):
    priority: bool
    reason: str = ""


def _view(appeal: Any) -> AppealView:
    return to_view(appeal, show_names=True)


class StaffActionController(Controller):
    path = "/api/v1/{tenant:str}/appeals/{appeal_id:str}"
    tags = ["appeals: staff workflow"]

    @post("/assign", operation_id="assign_appeal", status_code=200)
    async def assign(
        self,
        tenant: str,
        appeal_id: str,
        data: JSONBody[AssignBody],
        principal: Principal,
        staff_use_cases: StaffUseCases,
    ) -> AppealView:
        """Route to a department (and optionally an official)."""
        return _view(
            await staff_use_cases.assign(
                tenant, principal, appeal_id, data.department, data.assignee
            )
        )

    @post("/mark-simple", operation_id="mark_appeal_simple", status_code=200)
    async def mark_simple(
        self, tenant: str, appeal_id: str, principal: Principal, staff_use_cases: StaffUseCases
    ) -> AppealView:
        """Art. 20: needs no additional study -> due within 15 days of receipt."""
        return _view(await staff_use_cases.mark_simple(tenant, principal, appeal_id))

    @post("/extend", operation_id="extend_appeal", status_code=200)
    async def extend(
        self,
        tenant: str,
        appeal_id: str,
        data: JSONBody[ExtendBody],
        principal: Principal,
        staff_use_cases: StaffUseCases,
    ) -> AppealView:
        """Art. 20: extend the term (never beyond 45 days from receipt); the citizen is told."""
        return _view(
            await staff_use_cases.extend(tenant, principal, appeal_id, data.days, data.reason)
        )

    @post("/forward", operation_id="forward_appeal", status_code=200)
    async def forward(
        self,
        tenant: str,
        appeal_id: str,
        data: JSONBody[ForwardBody],
        principal: Principal,
        staff_use_cases: StaffUseCases,
    ) -> AppealView:
        """Art. 7: forward to the competent body, within 5 days of receipt."""
        return _view(
            await staff_use_cases.forward(tenant, principal, appeal_id, data.to, data.reason)
        )

    @post("/return", operation_id="return_appeal", status_code=200)
    async def return_appeal(
        self,
        tenant: str,
        appeal_id: str,
        data: JSONBody[ReasonBody],
        principal: Principal,
        staff_use_cases: StaffUseCases,
    ) -> AppealView:
        """Art. 7: return for missing data, within 5 days of receipt, with the reason."""
        return _view(await staff_use_cases.return_appeal(tenant, principal, appeal_id, data.reason))

    @post("/answer", operation_id="answer_appeal", status_code=200)
    async def answer(
        self,
        tenant: str,
        appeal_id: str,
        data: JSONBody[AnswerBody],
        principal: Principal,
        staff_use_cases: StaffUseCases,
    ) -> AppealView:
        return _view(await staff_use_cases.answer(tenant, principal, appeal_id, data.text))

    @post("/close", operation_id="close_appeal", status_code=200)
    async def close(
        self, tenant: str, appeal_id: str, principal: Principal, staff_use_cases: StaffUseCases
    ) -> AppealView:
        return _view(await staff_use_cases.close(tenant, principal, appeal_id))

    @post("/reopen", operation_id="reopen_appeal", status_code=200)
    async def reopen(
        self,
        tenant: str,
        appeal_id: str,
        data: JSONBody[ReasonBody],
        principal: Principal,
        staff_use_cases: StaffUseCases,
    ) -> AppealView:
        """A complaint about the answer: considered again on a new term."""
        return _view(await staff_use_cases.reopen(tenant, principal, appeal_id, data.reason))

    @post("/priority", operation_id="set_appeal_priority", status_code=200)
    async def set_priority(
        self,
        tenant: str,
        appeal_id: str,
        data: JSONBody[PriorityBody],
        principal: Principal,
        staff_use_cases: StaffUseCases,
    ) -> AppealView:
        """Art. 20: persons with statutory benefits are handled first."""
        return _view(
            await staff_use_cases.set_priority(
                tenant, principal, appeal_id, data.priority, data.reason
            )
        )

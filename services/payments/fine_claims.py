"""One open or paid payment per fine: a claim document per (council, resolution number),
inserted on a unique `_id`, arbitrates concurrent attempts (FerretDB has no transactions).

A claim whose payment failed, expired, was cancelled or refunded is stale and is taken over;
so is a claim whose payment never got stored (its creator crashed) after a grace period. A
creation that fails releases its claim at once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from chassis.auth import Principal
from chassis.problems import Problem
from services.payments.domain import ACTIVE_STATUSES, Payment
from services.payments.repository import PaymentRepository

SETTLED = frozenset({"success", "refund_pending"})
# Between claiming and storing its payment, a creation registers the checkout with the
# provider (seconds); a claim without a payment for longer than this was abandoned.
ABANDONED_AFTER = timedelta(minutes=2)


class FineClaims:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], payments: PaymentRepository) -> None:
        self.claims = db["fine_claims"]
        self.payments = payments

    async def claim(
        self, tenant: str, number: str, payment_id: str, principal: Principal
    ) -> Payment | None:
        """Claim the fine for `payment_id`; returns the citizen's own open payment instead when
        there is one, and refuses (409) a fine already paid or being paid by someone else."""
        key = f"{tenant}:{number}"
        for _ in range(5):
            try:
                await self.claims.insert_one(
                    {
                        "_id": key,
                        "tenant": tenant,
                        "payment_id": payment_id,
                        "claimed_at": datetime.now(UTC),
                    }
                )
                return None
            except DuplicateKeyError:
                pass
            held = await self.claims.find_one({"_id": key})
            holder_id = (held or {}).get("payment_id")
            holder = await self.payments.get(tenant, holder_id) if holder_id else None
            if holder is not None and holder.status in SETTLED:
                raise Problem(409, "Штраф уже сплачено / This fine is already paid.")
            if holder is not None and holder.status in ACTIVE_STATUSES:
                if holder.citizen_sub == principal.sub:
                    return holder
                raise Problem(409, "Штраф саме сплачується / This fine is being paid right now.")
            if holder is None and held is not None and not _abandoned(held):
                raise Problem(409, "Штраф саме сплачується / This fine is being paid right now.")
            # Stale: the payment ended unpaid, or was abandoned before it was stored.
            await self.claims.delete_one({"_id": key, "payment_id": holder_id})
        raise Problem(409, "Спробуйте ще раз / The fine's payment just changed; retry.")

    async def release(self, tenant: str, number: str, payment_id: str) -> None:
        """The creation of `payment_id` failed: free the fine at once."""
        await self.claims.delete_one({"_id": f"{tenant}:{number}", "payment_id": payment_id})


def _abandoned(claim: dict[str, Any]) -> bool:
    claimed_at = claim.get("claimed_at")
    if not isinstance(claimed_at, datetime):
        return True
    if claimed_at.tzinfo is None:
        claimed_at = claimed_at.replace(tzinfo=UTC)
    return datetime.now(UTC) - claimed_at > ABANDONED_AFTER

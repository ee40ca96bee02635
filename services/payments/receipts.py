"""A payment's receipt as a plain-text document (UTF-8), with the treasury requisites and the
provider's transaction id, in Ukrainian with English labels."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from services.payments.domain import Payment
from services.payments.domain.money import format_uah

KYIV = ZoneInfo("Europe/Kyiv")


def render_receipt(payment: Payment) -> str:
    paid_at = payment.succeeded_at.astimezone(KYIV) if payment.succeeded_at else None
    r = payment.requisites
    lines = [
        "КВИТАНЦІЯ ПРО ОПЛАТУ / PAYMENT RECEIPT",
        "",
        f"Платіж / Payment: {payment.id}",
        f"Статус / Status: {payment.status}",
        f"Призначення / Purpose: {payment.description}",
        f"Сума / Amount: {format_uah(payment.amount)} ({payment.amount} коп.)",
        f"Дата оплати / Paid at: {paid_at:%Y-%m-%d %H:%M:%S %Z}" if paid_at else "",
        f"Платник / Payer: {payment.citizen_name or payment.citizen_sub}",
        "",
        "Реквізити / Requisites",
        f"Отримувач / Recipient: {r.recipient}",
        f"IBAN: {r.iban}",
        f"Код ЄДРПОУ / EDRPOU: {r.edrpou}",
        f"Код бюджетної класифікації / Budget code: {r.budget_code}",
        f"Призначення платежу / Payment purpose: {r.purpose_text}",
        "",
        f"Провайдер / Provider: {payment.provider}",
        f"Транзакція провайдера / Provider transaction: {payment.provider_transaction_id}",
    ]
    if payment.status == "refunded":
        lines.append(f"Повернено / Refunded: {format_uah(payment.refunded_amount)}")
    return "\n".join(line for line in lines if line is not None) + "\n"

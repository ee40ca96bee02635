"""The sandbox's checkout page: what the payer sees, with a pay and a fail button."""

from __future__ import annotations

from html import escape
from typing import Any

_PAGE = """<!doctype html>
<html lang="uk"><head><meta charset="utf-8"><title>LiqPay sandbox</title></head>
<body style="font-family: sans-serif; max-width: 32rem; margin: 3rem auto">
<h1>LiqPay sandbox</h1>
<p>{description}</p>
<p><strong>{amount} {currency}</strong></p>
<p>Замовлення / Order: <code>{order_id}</code> — стан / status: <em>{status}</em></p>
{actions}
</body></html>
"""

_ACTIONS = """<form method="post" action="/checkout/{order_id}">
<button name="result" value="success">Сплатити / Pay</button>
<button name="result" value="failure">Відмовити / Fail</button>
</form>"""


def checkout_page(order: dict[str, Any]) -> str:
    params = order.get("params", {})
    open_ = order["status"] in ("created", "processing")
    order_id = escape(str(order["_id"]))
    return _PAGE.format(
        description=escape(str(params.get("description", ""))),
        amount=escape(str(params.get("amount", ""))),
        currency=escape(str(params.get("currency", "UAH"))),
        order_id=order_id,
        status=escape(order["status"]),
        actions=_ACTIONS.format(order_id=order_id) if open_ else "",
    )

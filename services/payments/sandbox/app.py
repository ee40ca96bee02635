"""The LiqPay sandbox app: the parts of LiqPay's API that payments uses, plus test controls.

POST /api/3/checkout            data+signature -> 302 to /checkout/{order_id}
GET  /checkout/{order_id}       the checkout page (the payer is now "processing")
POST /checkout/{order_id}       {"result": "success"|"failure"} -> signed callback sent
POST /api/request               data+signature: action status | refund | reports
POST /sandbox/orders/{id}/resend   the last callback again (a provider retry)
POST /sandbox/mismatches        {"kind": "drop"|"amount"|"extra", "order_id", ...}
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import httpx
import msgspec
from litestar import Litestar, Request, Response, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body

from chassis.logging import configure_logging, get_logger
from chassis.mongo import create_mongo_client
from services.payments.domain.liqpay import BadSignature, verify_and_decode
from services.payments.domain.money import to_hryvnias
from services.payments.sandbox.orders import FINAL, Orders, now_ms
from services.payments.sandbox.page import checkout_page
from services.payments.sandbox.settings import SandboxSettings

log = get_logger("payments_sandbox")
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


class CheckoutResult(msgspec.Struct):
    result: Literal["success", "failure"]


class Mismatch(msgspec.Struct):
    kind: Literal["drop", "amount", "extra"]
    order_id: str
    amount: int | None = None  # kopiyky, for "amount" and "extra"
    tenant: str | None = None  # for "extra"


def _verified(orders: Orders, form: dict[str, str]) -> dict[str, Any] | Response[Any]:
    try:
        return verify_and_decode(
            orders.private_key, form.get("data", ""), form.get("signature", "")
        )
    except BadSignature:
        return Response({"result": "error", "err_code": "invalid_signature"}, status_code=400)


@post("/api/3/checkout", status_code=302)
async def start_checkout(
    request: Request[Any, Any, Any], data: Form, state: State
) -> Response[Any]:
    orders: Orders = state.orders
    params = _verified(orders, data)
    if isinstance(params, Response):
        return params
    if not params.get("order_id") or not params.get("server_url"):
        return Response({"result": "error", "err_code": "order_id_empty"}, status_code=400)
    await orders.register(params, request.headers.get("traceparent"))
    location = f"/checkout/{params['order_id']}"
    return Response("", status_code=302, headers={"Location": location})


async def _processing(orders: Orders, order: dict[str, Any]) -> dict[str, Any]:
    """The payer reached the page: LiqPay reports the payment as processing, once."""
    if order["status"] != "created":
        return order
    order = await orders.set_status(order, "processing")
    await orders.send_callback(order)
    return order


@get("/checkout/{order_id:str}", media_type="text/html")
async def show_checkout(order_id: str, state: State) -> Response[str]:
    orders: Orders = state.orders
    order = await orders.get(order_id)
    if order is None:
        return Response("Замовлення не знайдено / Order not found", status_code=404)
    order = await _processing(orders, order)
    return Response(checkout_page(order), media_type="text/html")


def _expired(order: dict[str, Any]) -> bool:
    expired = order.get("params", {}).get("expired_date")
    if not expired:
        return False
    deadline = datetime.strptime(expired, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    return datetime.now(UTC) > deadline


@post("/checkout/{order_id:str}", status_code=200)
async def pay(order_id: str, request: Request[Any, Any, Any], state: State) -> Response[Any]:
    """The payer pressed pay or fail (a form from the page, or JSON from a test)."""
    orders: Orders = state.orders
    is_form = request.headers.get("content-type", "").startswith("application/x-www-form")
    raw = dict(await request.form()) if is_form else await request.json()
    try:
        result = msgspec.convert(raw, CheckoutResult).result
    except msgspec.ValidationError as exc:
        return Response({"error": str(exc)}, status_code=422)
    order = await orders.get(order_id)
    if order is None:
        return Response({"error": "order not found"}, status_code=404)
    if order["status"] in FINAL:
        return Response({"error": f"order already {order['status']}"}, status_code=409)
    if _expired(order):
        return Response({"error": "checkout expired"}, status_code=409)
    order = await _processing(orders, order)
    order = await orders.set_status(order, result)
    callback_status = await orders.send_callback(order)
    log.info("sandbox.paid", order_id=order_id, result=result, callback_status=callback_status)
    if is_form:
        return Response(checkout_page(order), media_type="text/html")
    return Response({"order_id": order_id, "status": result, "callback_status": callback_status})


@post("/api/request", status_code=200)
async def api_request(data: Form, state: State) -> Response[Any]:
    orders: Orders = state.orders
    params = _verified(orders, data)
    if isinstance(params, Response):
        return params
    action = params.get("action")
    if action == "reports":
        return Response(await _statement(orders, int(params["date_from"]), int(params["date_to"])))
    order = await orders.get(str(params.get("order_id")))
    if order is None:
        return Response({"result": "error", "err_code": "payment_not_found"})
    if action == "status":
        return Response({"result": "ok", **orders.report_of(order)})
    if action == "refund":
        if order["status"] == "success":
            order = await orders.set_status(order, "reversed")
            await orders.send_callback(order)
        if order["status"] != "reversed":
            return Response(
                {"result": "error", "err_code": "refund_not_allowed", "status": order["status"]}
            )
        return Response({"result": "ok", **orders.report_of(order)})
    return Response({"result": "error", "err_code": "unknown_action"})


async def _statement(orders: Orders, date_from: int, date_to: int) -> dict[str, Any]:
    """The money-taking transactions that ended in the window, with injected mismatches."""
    rows = []
    found = orders.orders.find(
        {
            "status": {"$in": ["success", "reversed"]},
            "end_date": {"$gte": date_from, "$lt": date_to},
        }
    )
    async for order in found:
        if order.get("statement_drop"):
            continue
        row = orders.report_of(order)
        if order.get("statement_amount") is not None:
            row["amount"] = float(to_hryvnias(order["statement_amount"]))
        rows.append(row)
    return {"result": "success", "data": rows}


@post("/sandbox/orders/{order_id:str}/resend", status_code=200)
async def resend(order_id: str, state: State) -> Response[Any]:
    orders: Orders = state.orders
    order = await orders.get(order_id)
    if order is None:
        return Response({"error": "order not found"}, status_code=404)
    return Response({"callback_status": await orders.resend_last(order)})


@post("/sandbox/mismatches", status_code=201)
async def inject_mismatch(data: Mismatch, state: State) -> dict[str, Any]:
    """Make tomorrow's reconciliation find something: drop an order from the statement, change
    its amount, or add a payment the merchant never saw."""
    orders: Orders = state.orders
    if data.kind == "extra":
        await orders.orders.insert_one(
            {
                "_id": data.order_id,
                "tenant": data.tenant,
                "status": "success",
                "params": {
                    "amount": to_hryvnias(data.amount or 10000),
                    "currency": "UAH",
                    "info": data.tenant,
                },
                "transaction_id": str(secrets.randbelow(9 * 10**9) + 10**9),
                "end_date": now_ms(),
                "created_at": now_ms(),
            }
        )
    elif data.kind == "drop":
        await orders.orders.update_one({"_id": data.order_id}, {"$set": {"statement_drop": True}})
    else:
        await orders.orders.update_one(
            {"_id": data.order_id}, {"$set": {"statement_amount": data.amount}}
        )
    return {"kind": data.kind, "order_id": data.order_id}


@get("/health/live")
async def live() -> dict[str, str]:
    return {"status": "ok"}


@get("/health/ready")
async def ready(state: State) -> dict[str, str]:
    await state.orders.orders.database.client.admin.command("ping")
    return {"status": "ok"}


def create_app(settings: SandboxSettings | None = None) -> Litestar:
    settings = settings or SandboxSettings()
    configure_logging(settings.service_name, settings.log_format, settings.log_level)
    mongo = create_mongo_client(settings)
    http = httpx.AsyncClient(timeout=settings.callback_timeout_s)
    orders = Orders(
        mongo[settings.mongo_db or "hromada_payments_sandbox"],
        http,
        (settings.public_key, settings.private_key),
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await http.aclose()
            await mongo.close()

    return Litestar(
        route_handlers=[
            start_checkout,
            show_checkout,
            pay,
            api_request,
            resend,
            inject_mismatch,
            live,
            ready,
        ],
        state=State({"orders": orders}),
        lifespan=[lifespan],
        logging_config=None,
        openapi_config=None,
    )

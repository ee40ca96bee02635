"""The ASC (ЦНАП): the catalogue, offices and mobile visits, booking a slot, paying for a paid
service at the provider's checkout, and my bookings."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from web.gateway_api import ApiError, GatewayApi
from web.pages import KYIV, Req, api, back_to, error_page, form_of, render
from web.web_session import signed_in


def default_day(today: date) -> str:
    """Tomorrow: today's slots are mostly gone or too close to cancel."""
    return (today + timedelta(days=1)).isoformat()


async def payment_for_booking(
    request: Req, gateway: GatewayApi, tenant: str, booking_id: str
) -> dict[str, Any] | None:
    """The payment intent payments opened for this booking (it arrives over Kafka, so it may
    not exist yet)."""
    listed = await api(request, gateway, "GET", f"/api/v1/{tenant}/payments", params={"limit": 50})
    return next(
        (p for p in listed["items"] if p.get("booking_id") == booking_id and p.get("checkout_url")),
        None,
    )


class AscPages(Controller):
    path = "/app/{tenant:str}/asc"
    include_in_schema = False

    @get("/")
    async def catalogue(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Template:
        try:
            services, offices = await asyncio.gather(
                api(request, gateway, "GET", f"/api/v1/{tenant}/queue/services"),
                api(request, gateway, "GET", f"/api/v1/{tenant}/queue/offices"),
            )
        except ApiError as error:
            return error_page(request, error)
        return render(
            request, "asc/catalogue.html", services=services["items"], offices=offices["items"]
        )

    @get("/offices/{office_id:str}")
    async def office(
        self,
        request: Req,
        tenant: FromPath[str],
        office_id: FromPath[str],
        gateway: NamedDependency[GatewayApi],
    ) -> Template:
        service = request.query_params.get("service", "")
        day = request.query_params.get("date") or default_day(datetime.now(KYIV).date())
        base = f"/api/v1/{tenant}/queue"
        try:
            office, services = await asyncio.gather(
                api(request, gateway, "GET", f"{base}/offices/{office_id}"),
                api(request, gateway, "GET", f"{base}/services"),
            )
            slots: list[dict[str, Any]] | None = None
            if service:
                params = {"service": service, "date": day}
                found = await api(
                    request, gateway, "GET", f"{base}/offices/{office_id}/slots", params=params
                )
                slots = [s for s in found["items"] if s["available"] > 0]
        except ApiError as error:
            return error_page(request, error)
        served = {code for w in office["windows"] for code in w["services"]}
        served |= {code for v in office.get("visits", []) for code in v.get("services", [])}
        return render(
            request, "asc/office.html", office=office,
            services=[s for s in services["items"] if s["code"] in served],
            service=service, day=day, slots=slots,
        )  # fmt: skip

    @post("/offices/{office_id:str}/book", status_code=303)
    async def book(
        self,
        request: Req,
        tenant: FromPath[str],
        office_id: FromPath[str],
        gateway: NamedDependency[GatewayApi],
    ) -> Redirect | Template:
        signed_in(request)
        form = await form_of(request)
        body = {
            "office_id": office_id,
            "service_code": form.get("service", ""),
            "start": form.get("start", ""),
        }
        try:
            booking = await api(
                request, gateway, "POST", f"/api/v1/{tenant}/queue/bookings", json=body,
                idempotent=True,
            )  # fmt: skip
        except ApiError as error:
            return error_page(request, error)
        return back_to(f"/app/{tenant}/asc/bookings/{booking['id']}", "done")

    @get("/bookings")
    async def my_bookings(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Template:
        signed_in(request)
        try:
            page = await api(request, gateway, "GET", f"/api/v1/{tenant}/queue/bookings")
        except ApiError as error:
            return error_page(request, error)
        return render(request, "asc/bookings.html", bookings=page["items"])

    @get("/bookings/{booking_id:str}")
    async def booking(
        self,
        request: Req,
        tenant: FromPath[str],
        booking_id: FromPath[str],
        gateway: NamedDependency[GatewayApi],
    ) -> Template:
        signed_in(request)
        try:
            found = await api(
                request, gateway, "GET", f"/api/v1/{tenant}/queue/bookings/{booking_id}"
            )
        except ApiError as error:
            return error_page(request, error)
        return render(request, "asc/booking.html", booking=found)

    @get("/bookings/{booking_id:str}/pay")
    async def pay_for_booking(
        self,
        request: Req,
        tenant: FromPath[str],
        booking_id: FromPath[str],
        gateway: NamedDependency[GatewayApi],
    ) -> Redirect:
        """To the provider's checkout page; back to the booking while the bill is prepared."""
        signed_in(request)
        try:
            payment = await payment_for_booking(request, gateway, tenant, booking_id)
        except ApiError:
            payment = None
        if payment is None:
            return back_to(f"/app/{tenant}/asc/bookings/{booking_id}", "asc.pay_wait")
        return Redirect(payment["checkout_url"], status_code=303)

    @post("/bookings/{booking_id:str}/cancel", status_code=303)
    async def cancel(
        self,
        request: Req,
        tenant: FromPath[str],
        booking_id: FromPath[str],
        gateway: NamedDependency[GatewayApi],
    ) -> Redirect | Template:
        signed_in(request)
        path = f"/api/v1/{tenant}/queue/bookings/{booking_id}/cancel"
        try:
            await api(request, gateway, "POST", path, json={})
        except ApiError as error:
            return error_page(request, error)
        return back_to(f"/app/{tenant}/asc/bookings/{booking_id}", "done")

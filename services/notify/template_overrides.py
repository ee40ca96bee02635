"""A council's own notice texts: a tenant_admin overrides the default template of an event
type in a locale, previews it, or reverts to the default. A template that uses a variable its
event does not carry (or does not parse) is refused when saved — never at send time.
"""

from __future__ import annotations

import types
import typing
from datetime import UTC, datetime
from typing import Any

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.params import JSONBody

from chassis.auth import Principal
from chassis.guards import require_tenant_admin_of
from chassis.mongo import TenantRepository
from chassis.problems import FieldError, Problem
from services.notify.catalog import LOCALES, default_template
from services.notify.rendering import TemplateText, render, unknown_variables
from services.notify.triggers import Trigger


class TemplateOverrides(TenantRepository):
    collection_name = "templates"

    @staticmethod
    def key(tenant: str, event_type: str, locale: str) -> str:
        return f"{tenant}:{event_type}:{locale}"

    async def find(self, tenant: str, event_type: str, locale: str) -> TemplateText | None:
        doc = await self.collection.find_one({"_id": self.key(tenant, event_type, locale)})
        return TemplateText(doc["subject"], doc["text"]) if doc else None

    async def save(
        self, tenant: str, event_type: str, locale: str, template: TemplateText, by: str
    ) -> None:
        await self.collection.update_one(
            {"_id": self.key(tenant, event_type, locale)},
            {
                "$set": {
                    "tenant": tenant,
                    "event_type": event_type,
                    "locale": locale,
                    "subject": template.subject,
                    "text": template.text,
                    "updated_by": by,
                    "updated_at": datetime.now(UTC),
                }
            },
            upsert=True,
        )

    async def remove(self, tenant: str, event_type: str, locale: str) -> None:
        await self.collection.delete_one({"_id": self.key(tenant, event_type, locale)})


class TemplateBody(msgspec.Struct, forbid_unknown_fields=True):
    subject: str
    text: str


def _sample(annotation: Any, name: str) -> Any:
    """A stand-in value of the field's type, for previews."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    if annotation is datetime:
        return datetime.now(UTC)
    if annotation is bool:
        return True
    if annotation is int:
        return 34500 if "amount" in name else 10
    return f"[{name}]"


def sample_variables(trigger: Trigger, tenant: str) -> dict[str, Any]:
    fields = trigger.model.model_fields
    return {name: _sample(f.annotation, name) for name, f in fields.items()} | {"tenant": tenant}


class TemplateController(Controller):
    path = "/api/v1/{tenant:str}/notify/templates"
    tags = ["notify"]

    @staticmethod
    def _trigger(triggers: dict[str, Trigger], event_type: str, locale: str) -> Trigger:
        if locale not in LOCALES:
            raise Problem(404, f"No locale '{locale[:10]}': use one of {', '.join(LOCALES)}.")
        trigger = triggers.get(event_type)
        if trigger is None:
            raise Problem(404, f"No notice is sent for '{event_type[:80]}'.")
        return trigger

    @get("/", operation_id="list_notice_templates")
    async def list_templates(
        self,
        tenant: str,
        principal: Principal,
        triggers: dict[str, Trigger],
        overrides: TemplateOverrides,
    ) -> dict[str, Any]:
        require_tenant_admin_of(principal, tenant)
        items = []
        for event_type, trigger in sorted(triggers.items()):
            for locale in LOCALES:
                own = await overrides.find(tenant, event_type, locale)
                template = own or default_template(event_type, locale)
                assert template is not None
                items.append(
                    {
                        "event_type": event_type,
                        "locale": locale,
                        "audience": trigger.audience,
                        "overridden": own is not None,
                        "subject": template.subject,
                        "text": template.text,
                        "variables": sorted(trigger.variables()),
                    }
                )
        return {"items": items}

    @put("/{event_type:str}/{locale:str}", operation_id="override_notice_template")
    async def override(
        self,
        tenant: str,
        event_type: str,
        locale: str,
        principal: Principal,
        triggers: dict[str, Trigger],
        overrides: TemplateOverrides,
        data: JSONBody[TemplateBody],
    ) -> dict[str, Any]:
        require_tenant_admin_of(principal, tenant)
        trigger = self._trigger(triggers, event_type, locale)
        template = TemplateText(data.subject, data.text)
        _refuse_if_broken(template, trigger)
        await overrides.save(tenant, event_type, locale, template, principal.sub)
        return {"event_type": event_type, "locale": locale, "overridden": True}

    @post("/{event_type:str}/{locale:str}/preview", operation_id="preview_notice_template")
    async def preview(
        self,
        tenant: str,
        event_type: str,
        locale: str,
        principal: Principal,
        triggers: dict[str, Trigger],
        overrides: TemplateOverrides,
        data: JSONBody[TemplateBody | None] = None,
    ) -> dict[str, Any]:
        """Render the given text (or the one in force) with stand-in values of the event."""
        require_tenant_admin_of(principal, tenant)
        trigger = self._trigger(triggers, event_type, locale)
        if data is not None:
            template: TemplateText | None = TemplateText(data.subject, data.text)
        else:
            template = await overrides.find(tenant, event_type, locale)
            template = template or default_template(event_type, locale)
        assert template is not None
        _refuse_if_broken(template, trigger)
        rendered = render(template, sample_variables(trigger, tenant), "Europe/Kyiv")
        return {"subject": rendered.subject, "text": rendered.text, "html": rendered.html}

    @delete(
        "/{event_type:str}/{locale:str}", operation_id="revert_notice_template", status_code=204
    )
    async def revert(
        self,
        tenant: str,
        event_type: str,
        locale: str,
        principal: Principal,
        triggers: dict[str, Trigger],
        overrides: TemplateOverrides,
    ) -> None:
        require_tenant_admin_of(principal, tenant)
        self._trigger(triggers, event_type, locale)
        await overrides.remove(tenant, event_type, locale)


def _refuse_if_broken(template: TemplateText, trigger: Trigger) -> None:
    problems = unknown_variables(template, trigger.variables())
    if problems:
        raise Problem(
            422,
            "Шаблон не можна зберегти / The template cannot be saved.",
            errors=[FieldError(part, message) for part, message in problems.items()],
        )

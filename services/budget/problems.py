"""Budget rule refusals as problem+json: the domain raises `RuleBroken`, this handler (added
to the app in app.py) answers with the status, the detail and the field at fault."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.config.app import AppConfig

from chassis.problems import FieldError, Problem, problem_response
from services.budget.domain.errors import RuleBroken


def as_problem(broken: RuleBroken) -> Problem:
    errors = [FieldError(broken.field, broken.detail)] if broken.field else []
    return Problem(broken.status, broken.detail, errors=errors)


def _on_rule_broken(request: Request[Any, Any, Any], exc: RuleBroken) -> Response[Any]:
    return problem_response(as_problem(exc), request.url.path)


def handle_rule_refusals(config: AppConfig) -> AppConfig:
    config.exception_handlers = {**config.exception_handlers, RuleBroken: _on_rule_broken}
    return config

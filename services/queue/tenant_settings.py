"""The queue service's copy of each council's settings: chassis/tenant_settings.py."""

from chassis.tenant_settings import TenantSettingsReader

__all__ = ["TenantSettingsReader"]

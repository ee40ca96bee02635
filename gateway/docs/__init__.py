"""API docs at the gateway: one merged OpenAPI document, every service's OpenAPI and AsyncAPI
documents, and a page that lists them all (`GET /docs`)."""

from gateway.docs.catalog import DocsCatalog, DocsSnapshot, ServiceDocs
from gateway.docs.http import DocsController
from gateway.docs.merge import merge_openapi

__all__ = ["DocsCatalog", "DocsController", "DocsSnapshot", "ServiceDocs", "merge_openapi"]

"""Object storage through the `minio` SDK against any S3-compatible server."""

from __future__ import annotations

import asyncio

from minio import Minio

from chassis.settings import ServiceSettings


def create_s3_client(settings: ServiceSettings) -> Minio:
    return Minio(
        settings.s3_endpoint,
        access_key=settings.s3_access_key,
        secret_key=settings.s3_secret_key,
        secure=settings.s3_secure,
    )


async def ensure_bucket(client: Minio, bucket: str) -> None:
    """The SDK is synchronous; run it off the event loop."""
    exists = await asyncio.to_thread(client.bucket_exists, bucket)
    if not exists:
        await asyncio.to_thread(client.make_bucket, bucket)


def tenant_key(tenant: str, *parts: str) -> str:
    """Objects live under `{tenant}/...` so a tenant's data can be listed, exported or erased."""
    return "/".join((tenant, *parts))

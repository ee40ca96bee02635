"""The raw ceilings of this machine, measured in the same run as the scenarios, so a scenario's
figure reads as a share of what the parts underneath can do at that moment:

- `mongo_insert`: PyMongo `insert_one` of signature-like documents at 64 concurrent writers
  (bench/petitions_hot.py's `direct_insert_rate`) — every write scenario is >= 1 such insert;
- `kafka_produce`: aiokafka with the services' producer settings (acks=all, idempotent), as
  many envelope-sized messages as it takes, awaited in batches;
- `bare_litestar`: GET of a Litestar endpoint that does nothing (bench/bare_app.py under
  uvicorn, a subprocess) on 64 keep-alive connections: the web stack's own cost.
The fourth, the GET of bench/gateway_get.py direct on the service, is measured there.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from pymongo import AsyncMongoClient

from bench.petitions_hot import direct_insert_rate
from bench.rawhttp import get_load
from bench.sampler import Sampler

ROOT = Path(__file__).resolve().parents[1]
KAFKA = os.environ.get("HROMADA_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
MONGO = os.environ.get("HROMADA_MONGO_URL", "mongodb://127.0.0.1:27017/")


async def mongo_insert(seconds: float = 5.0, concurrency: int = 64) -> dict[str, Any]:
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(MONGO)
    try:
        rate = await direct_insert_rate(mongo, seconds, concurrency)
    finally:
        await mongo.close()
    return {"name": "mongo_insert", "ops_per_s": rate, "concurrency": concurrency}


async def kafka_produce(seconds: float = 5.0, batch: int = 500) -> dict[str, Any]:
    topic = f"hromada.bench.ceiling.{uuid.uuid4().hex[:8]}"
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, acks="all", enable_idempotence=True)
    payload = (
        b'{"specversion":"1.0","type":"bench.ceiling.v1","data":{"text":"' + b"x" * 500 + b'"}}'
    )
    await producer.start()
    sent = 0
    try:
        await producer.send_and_wait(topic, payload)  # creates the topic, outside the clock
        began = time.perf_counter()
        while time.perf_counter() - began < seconds:
            futures = [
                await producer.send(topic, payload, key=str(i % 64).encode()) for i in range(batch)
            ]
            await asyncio.gather(*futures)
            sent += batch
        elapsed = time.perf_counter() - began
    finally:
        await producer.stop()
        admin = AIOKafkaAdminClient(bootstrap_servers=KAFKA)
        await admin.start()
        try:
            await admin.delete_topics([topic])
        finally:
            await admin.close()
    return {
        "name": "kafka_produce",
        "ops_per_s": round(sent / elapsed, 1),
        "message_bytes": len(payload),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def bare_litestar(seconds: float = 5.0, connections: int = 64) -> dict[str, Any]:
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.bare_app",
        str(port),
        cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/ping"
    try:
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient() as http:
            while True:
                try:
                    if (await http.get(url)).status_code == 200:
                        break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                await asyncio.sleep(0.2)
        sampler = Sampler(ok=(200,))
        await get_load(url, [{}], connections, seconds, sampler)
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), 15)
    return {"name": "bare_litestar", **sampler.figures(), "connections": connections}


async def measure_all(seconds: float = 5.0) -> dict[str, dict[str, Any]]:
    """Each ceiling in turn (never at once: they would share the same two cores)."""
    found = {}
    for probe in (mongo_insert, kafka_produce, bare_litestar):
        print(f"  ceiling {probe.__name__} ({seconds:g} s) ...", flush=True)
        result = await probe(seconds)
        found[result["name"]] = result
        print(f"  ceiling {probe.__name__}: {result['ops_per_s']} ops/s", flush=True)
    return found


if __name__ == "__main__":
    print(asyncio.run(measure_all(float(sys.argv[1]) if len(sys.argv) > 1 else 5.0)))

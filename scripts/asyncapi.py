"""Write each service's AsyncAPI document into docs/asyncapi/<service>.json, and the gateway's
(tenant events) into docs/asyncapi/gateway.json (`make asyncapi`).

Building an app connects nothing, so this runs without any server.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
from pathlib import Path

from faststream.specification import AsyncAPI

import services
from gateway.app import create_app as create_gateway_app
from gateway.settings import GatewaySettings

# The documents name the cluster's bootstrap address, not whatever this shell points at.
for name in [n for n in os.environ if n.startswith("HROMADA_") and n.endswith("KAFKA_BOOTSTRAP")]:
    del os.environ[name]

OUT = Path(__file__).resolve().parents[1] / "docs" / "asyncapi"


def main() -> None:
    parser = argparse.ArgumentParser(description="Write AsyncAPI documents.")
    parser.add_argument("--out", type=Path, default=OUT)
    out: Path = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    apps = {
        module.name: importlib.import_module(f"services.{module.name}.app").create_app
        for module in pkgutil.iter_modules(services.__path__)
    }
    # env=prod: building the gateway must not read or create a dev signing key.
    apps["gateway"] = lambda: create_gateway_app(GatewaySettings(env="prod"))
    for name, create_app in apps.items():
        broker = create_app().state.get("broker")
        if broker is None:
            continue
        spec = AsyncAPI(broker, title=f"Hromada {name}", version="1.0.0").to_specification()
        document = json.loads(spec.to_json())
        path = out / f"{name}.json"
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()

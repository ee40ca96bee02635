"""Write each service's AsyncAPI document into docs/asyncapi/<service>.json (`make asyncapi`).

Building an app connects nothing, so this runs without any server.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path

from faststream.specification import AsyncAPI

import services

OUT = Path(__file__).resolve().parents[1] / "docs" / "asyncapi"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for module in pkgutil.iter_modules(services.__path__):
        app_module = importlib.import_module(f"services.{module.name}.app")
        app = app_module.create_app()
        broker = app.state.get("broker")
        if broker is None:
            continue
        spec = AsyncAPI(broker, title=f"Hromada {module.name}", version="1.0.0").to_specification()
        document = json.loads(spec.to_json())
        path = OUT / f"{module.name}.json"
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(OUT.parents[1])}")


if __name__ == "__main__":
    main()

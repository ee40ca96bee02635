"""The ceiling of the web stack itself: a Litestar app with one JSON endpoint and nothing else
(no auth, no database), served by uvicorn with the services' options (chassis/runner.py).

    uv run python -m bench.bare_app 8190
"""

from __future__ import annotations

import sys

import uvicorn
from litestar import Litestar, get


@get("/ping")
async def ping() -> dict[str, str]:
    return {"status": "ok", "text": "Відповідь без бази даних."}


app = Litestar([ping])


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8190
    uvicorn.run(
        app, host="127.0.0.1", port=port, log_config=None, access_log=False, timeout_keep_alive=75
    )


if __name__ == "__main__":
    main()

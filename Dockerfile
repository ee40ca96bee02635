# syntax=docker/dockerfile:1
# One image per component: docker build --build-arg SERVICE=appeals -t hromada/appeals .
# SERVICE is a top-level component with a __main__.py (gateway; web and bot when they ship) or
# a service under services/ (appeals, petitions, budget, queue, payments, notify). The image runs the component as deploy/local/stack.py does (`python -m <module>`),
# as a non-root user, and works with a read-only root filesystem (mount a tmpfs on /tmp).

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --------------------------------------------------------------------------- build
FROM ${PYTHON_IMAGE} AS build
# uv from PyPI, pinned to the version the lock was written with.
ARG UV_VERSION=0.13.9
RUN pip install --no-cache-dir "uv==${UV_VERSION}"
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /app
# Dependencies first: this layer is rebuilt only when the lock changes.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
# Then the code (.dockerignore keeps tests, state and caches out), installed editable so that
# paths relative to the checkout (docs/asyncapi for the gateway) resolve under /app.
COPY . .
RUN uv sync --frozen --no-dev \
    && /app/.venv/bin/python -m compileall -q chassis contracts gateway services hromada_cli

# --------------------------------------------------------------------------- run
FROM ${PYTHON_IMAGE}
ARG SERVICE
RUN test -n "${SERVICE}" || { echo "build with --build-arg SERVICE=<component>" >&2; exit 1; }
RUN groupadd --system --gid 10001 hromada \
    && useradd --system --uid 10001 --gid hromada --no-create-home --home-dir /tmp hromada
# No compiler, no uv, no pip cache: only the interpreter, the environment and the code.
COPY --from=build /app /app
WORKDIR /app
RUN test -f "${SERVICE}/__main__.py" || test -f "services/${SERVICE}/__main__.py" \
    || { echo "no component ${SERVICE}" >&2; exit 1; }
ENV PATH=/app/.venv/bin:${PATH} \
    HOME=/tmp \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HROMADA_SERVICE=${SERVICE} \
    HROMADA_HOST=0.0.0.0 \
    HROMADA_PORT=8080 \
    HROMADA_LOG_FORMAT=json
USER 10001:10001
EXPOSE 8080
# exec: python is PID 1 and gets SIGTERM itself, so uvicorn drains requests and the lifespan
# stops the Kafka consumers (see docs/operations.md, "Upgrade").
CMD ["/bin/sh", "-c", "if [ -f \"$HROMADA_SERVICE/__main__.py\" ]; then exec python -m \"$HROMADA_SERVICE\"; else exec python -m \"services.$HROMADA_SERVICE\"; fi"]

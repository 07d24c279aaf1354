# mockserver in a container: slim, non-root, health-checked on /_mock/health.
#
#   docker build -t mockserver .
#   docker run --rm -p 127.0.0.1:8000:8000 -e MOCKSERVER_ADMIN_TOKEN=change-me mockserver
#   docker run ... mockserver --workers 4 --state redis://redis:6379/0 --chaos 0.1 --seed 7
#
# It listens on 0.0.0.0:8000 inside the container, so the admin API and X-Mock-* headers need
# the admin token (MOCKSERVER_ADMIN_TOKEN, sent as `Authorization: Bearer <token>`); serve
# refuses to start without one. Arguments after the image name are `mockserver serve` flags.
# compose.yaml runs it with Redis and several workers; docs/workers.md has ports and flags.

FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY mockserver ./mockserver
COPY fixtures ./fixtures
COPY pytest_plugin ./pytest_plugin
# mockserver and every runtime dependency (the redis extra too) as wheels, so the image
# installs from these files only
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[redis]"

FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=build /wheels /wheels
RUN pip install --no-index /wheels/*.whl \
    && rm -rf /wheels \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin mockserver
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; r.urlopen(r.Request('http://127.0.0.1:8000/_mock/health', headers={'Authorization': 'Bearer ' + os.environ.get('MOCKSERVER_ADMIN_TOKEN', '')}), timeout=2)"]
ENTRYPOINT ["mockserver", "serve", "--host", "0.0.0.0", "--port", "8000"]
CMD ["--workers", "2"]

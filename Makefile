# Shortcuts for the commands the README names. CI runs .ci/run, which runs `bash scripts/test.sh`.
.PHONY: run test test-unit test-quick test-system data check lint format review bench

run:
	bash scripts/setup.sh
	.venv/bin/python -m streamlit run streamlit_app.py

# Tiers (pytest.ini): unit = pure functions (seconds, no Chromium, no setup); app = pages under AppTest, builds and
# release checks on DuckDB; system = real servers, Chromium, load, deployment files. `test` runs all three.
test:
	bash scripts/test.sh

test-unit: | .venv/bin/python
	.venv/bin/python -m pytest -m unit -q

test-quick: | .venv/bin/python
	.venv/bin/python -m pytest -m "unit or app" -q

test-system:
	bash scripts/test.sh -m system

.venv/bin/python:  # the fast loops set the venv up once, not on every run
	bash scripts/setup.sh dev

data:  # --grace 0: in a checkout no server reads data/, so the previous release need not be kept
	.venv/bin/python -m dashboard.build --keep 1 --grace 0

review:  # the maintainer's to-do before a data release
	.venv/bin/python -m dashboard.review

lint: | .venv/bin/python
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: | .venv/bin/python
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

check:
	.venv/bin/python -m dashboard.build --check
	.venv/bin/python -m dashboard.contract --check

bench:
	bash scripts/setup.sh dev
	.venv/bin/python -m bench.run

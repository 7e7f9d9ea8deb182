# Shortcuts for the commands the README names. CI runs .ci/run, which runs `bash scripts/test.sh`.
.PHONY: run test test-quick data check bench

run:
	bash scripts/setup.sh
	.venv/bin/python -m streamlit run streamlit_app.py

test:
	bash scripts/test.sh

test-quick:
	bash scripts/test.sh -m "not slow"

data:
	.venv/bin/python -m dashboard.build --keep 1

check:
	.venv/bin/python -m dashboard.build --check
	.venv/bin/python -m dashboard.contract --check

bench:
	bash scripts/setup.sh dev
	.venv/bin/python -m bench.run

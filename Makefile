# Every command the README names. `make test` is what CI runs (.ci/run).
.PHONY: run test test-slow data check bench lint

run:
	scripts/setup.sh
	.venv/bin/python -m streamlit run streamlit_app.py

test:
	scripts/test.sh -m "not slow"

test-slow:
	scripts/test.sh -m slow

data:
	.venv/bin/python -m dashboard.build --keep 1

check:
	.venv/bin/python -m dashboard.build --check

bench:
	scripts/setup.sh dev
	.venv/bin/python -m bench.run

# The two README commands: `make demo` (main job) and `make test` (test suite).
# Both run the idempotent set-up first (infra/setup.sh returns in ~1 s when nothing changed).
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup demo test lint bench-parse lamp bench-quality bench-hpo
setup:
	bash infra/setup.sh

demo: setup
	bash infra/demo.sh

test: setup
	$(PY) -m pytest -q -p no:cacheprovider

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# Benchmarks (not part of the test suite).
bench-parse: setup
	$(VENV)/bin/autommlab lamp speed --data tests/data/lamp_dev.jsonl --n 1000

lamp: setup
	for f in tests/data/lamp_*.jsonl; do $(VENV)/bin/autommlab lamp ru --data $$f; done

bench-quality: setup
	$(PY) benchmarks/quality.py --budget medium

bench-hpo: setup
	$(PY) benchmarks/hpo.py --trials 10 --seeds 0 1

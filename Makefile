# The two README commands: `make demo` (main job) and `make test` (test suite).
# Both run the idempotent set-up first (infra/setup.sh returns in ~1 s when nothing changed).
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup demo test lint bench-parse lamp bench-quality bench-hpo bench-ru-llm bench-llm-speed bench-hpo-llm
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

# RU-LLaMA: rules vs llm vs ensemble on the holdout and test sets (ensemble keys chosen on holdout).
bench-ru-llm: setup
	$(PY) benchmarks/ru_llm.py

# Parse latency of the llm backend (SmolLM2-135M + RU adapter), one thread.
bench-llm-speed: setup
	AUTOMMLAB_LLM_THREADS=1 $(VENV)/bin/autommlab lamp speed --backend llm --data tests/data/lamp_test.jsonl --n 40

# HPO benchmark with the LLM searchers added (needs the shipped history and HPO adapter).
bench-hpo-llm: setup
	$(PY) benchmarks/hpo.py --trials 10 --seeds 0 --resume --searchers random tpe transfer llm hybrid

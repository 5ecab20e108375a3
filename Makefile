# The two README commands: `make demo` (main job) and `make test` (test suite).
# Both run the idempotent set-up first (infra/setup.sh returns in ~1 s when nothing changed).
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup demo test lint bench-parse lamp bench-quality bench-hpo bench-hpo-live bench-hpo-table bench-ru-llm bench-llm-speed bench-hpo-llm
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

# HPO efficiency: live random/TPE searches (real training under Ray Tune, ~3 h on 2 cores;
# --resume keeps finished searches) measure Ray's overhead and fill the table of measured
# trials; the tabular replay compares random / TPE / transfer over 20 seeds in minutes.
bench-hpo: bench-hpo-live bench-hpo-table

bench-hpo-live: setup
	$(PY) benchmarks/hpo.py --trials 10 --seeds 0 1 --searchers random tpe --resume --write-history

bench-hpo-table: setup
	$(PY) benchmarks/hpo_table.py --seeds 20

# RU-LLaMA: rules vs llm vs ensemble on the holdout and test sets (ensemble keys chosen on holdout).
bench-ru-llm: setup
	$(PY) benchmarks/ru_llm.py

# Parse latency of the llm backend (SmolLM2-135M + RU adapter), one thread.
bench-llm-speed: setup
	AUTOMMLAB_LLM_THREADS=1 $(VENV)/bin/autommlab lamp speed --backend llm --data tests/data/lamp_test.jsonl --n 80

# HPO-LLaMA (llm, hybrid) against random / TPE / transfer on the tabular benchmark, on the
# datasets the shipped HPO adapter was not trained on (its README lists them).
bench-hpo-llm: setup
	$(PY) benchmarks/hpo_table.py --seeds 20 --llm-seeds 2 --searchers random tpe transfer llm hybrid --pairs textures digit-detection digit-segmentation cat-face-keypoints --out benchmarks/results/hpo-table-llm.json

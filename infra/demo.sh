#!/usr/bin/env bash
# The main job on the embedded default (local store at ~/.autommlab unless AUTOMMLAB_STORE
# is set): understand a sample request, select data and model, build the selected dataset
# into the store, and print where everything is.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_WAIT_POLICY=PASSIVE
AM=.venv/bin/autommlab
REQUEST=${1:-"I need a classifier that tells sneakers, sandals and ankle boots apart for a shoe-shop app on Android phones, under 5M parameters, at least 90% accuracy, exported to ONNX."}

echo "== request"; echo "$REQUEST"
echo "== 1. request understanding (rules backend)"
$AM parse "$REQUEST"
echo "== 2. data and model selection"
$AM select "$REQUEST"
DATASET=$($AM select "$REQUEST" --json | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["selection"]["data"]["dataset"])')
echo "== 3. build the selected dataset into the store"
$AM zoo build "$DATASET" --scale "${AUTOMMLAB_DEMO_SCALE:-0.2}"
echo "== done: training and export arrive with the next issue (autommlab run)."

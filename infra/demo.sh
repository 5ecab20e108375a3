#!/usr/bin/env bash
# The main job on the embedded default (local store at ~/.autommlab unless AUTOMMLAB_HOME /
# AUTOMMLAB_STORE say otherwise): one request -> understood -> data and model selected ->
# trained with hyperparameter search (Ray Tune, MMEngine) -> exported to ONNX, verified
# with onnxruntime against PyTorch -> published with a report. Prints where the model and
# the report are.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_WAIT_POLICY=PASSIVE
AM=.venv/bin/autommlab
REQUEST=${1:-"I need a classifier that tells sneakers, sandals and ankle boots apart for a shoe-shop app on Android phones, under 5M parameters, at least 90% accuracy, exported to ONNX."}
BUDGET=${AUTOMMLAB_DEMO_BUDGET:-small}

echo "== request"; echo "$REQUEST"
echo "== autommlab run --budget $BUDGET (progress below; the summary at the end says where"
echo "   the model and its report are)"
$AM run "$REQUEST" --budget "$BUDGET"

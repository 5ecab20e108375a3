"""Typo repair for the words the rule extractors key on (rapidfuzz).

Requests are typed fast and often by non-native writers: "segmantation", "accurracy",
"raspbery pi", "tensort". A word is repaired only when it is not an English word in any
inflection (WordNet lemma sets, after stripping common suffixes) and is within a small
edit distance of exactly one of the extractors' key words; names of models and datasets
are matched on the original text, so they are never rewritten.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz, process

from autommlab.wordnet import is_english_word

KEY_WORDS = (
    "detect", "detector", "detection", "detecting", "segment", "segmentation", "segmenter",
    "segmented", "classify", "classifier", "classification", "classified", "keypoint",
    "keypoints", "landmark", "landmarks", "skeleton", "estimation", "accuracy", "precision",
    "recall", "sensitivity", "specificity", "parameters", "params", "latency",
    "milliseconds", "seconds", "minute", "raspberry", "jetson", "tensorrt", "openvino",
    "onnxruntime", "smartphone", "android", "bounding", "pixels", "million", "billion",
    "thousand", "gflops", "mflops", "frames", "images", "whether", "between", "categories",
    "classes", "labels", "localize", "localise", "recognize", "recognise", "distinguish",
    "inference", "deployment", "accelerator", "embedded", "separate", "thieves",
)
MIN_LENGTH = 6  # short words are too easy to confuse
MIN_SCORE = 88  # rapidfuzz ratio: one or two edits in a word of 7-12 letters
_WORD = re.compile(rf"(?<![\w-])[a-z]{{{MIN_LENGTH},}}(?![\w-])")


@lru_cache(maxsize=4096)
def repair_word(word: str) -> str:
    if word in KEY_WORDS or is_english_word(word):
        return word
    if any(key in word for key in KEY_WORDS):
        return word  # "misclassification", "keypointing": derived, not misspelt
    prefix = re.match(r"(?:mis|un|non|re|pre|sub|over|under|multi|semi|anti)(?=[a-z]{4})", word)
    if prefix and is_english_word(word[prefix.end():]):
        return word
    hit = process.extractOne(word, KEY_WORDS, scorer=fuzz.ratio, score_cutoff=MIN_SCORE)
    return hit[0] if hit else word


def repair_typos(text: str) -> str:
    """Lower-case text with misspelt key words repaired (same length is not guaranteed)."""
    return _WORD.sub(lambda m: repair_word(m.group(0)), text)

"""WordNet through nltk, with the data that infra/setup.sh installs into the venv.

nltk's downloader cannot reach its source here, so set-up copies Debian's WordNet files
under `<venv>/nltk_data` (a directory nltk searches by default); AUTOMMLAB_NLTK_DATA or
NLTK_DATA may point elsewhere.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from autommlab.errors import AutommlabError


def _data_dirs() -> list[Path]:
    dirs = [os.environ.get("AUTOMMLAB_NLTK_DATA"), os.environ.get("NLTK_DATA"),
            str(Path(sys.prefix) / "nltk_data")]
    return [Path(d) / "corpora" / "wordnet" for d in dirs if d]


@lru_cache(maxsize=1)
def _lexicon_dir() -> Path:
    for candidate in _data_dirs():
        if (candidate / "index.noun").exists():
            return candidate
    raise AutommlabError(
        "WordNet data is missing: run infra/setup.sh (it installs Debian's wordnet-base "
        "and copies it under <venv>/nltk_data), or set AUTOMMLAB_NLTK_DATA.")


@lru_cache(maxsize=4)
def _lemmas(pos: str) -> frozenset[str]:
    """Lemma names of one part of speech, read from WordNet's index file directly.

    nltk's reader parses every index and data offset on first use (~4.5 s); the parser only
    needs to know which words are nouns or adjectives, which this reads in ~0.1 s.
    """
    names = set()
    with (_lexicon_dir() / f"index.{pos}").open(encoding="utf-8") as f:
        for line in f:
            if not line.startswith(" "):  # license header lines start with spaces
                names.add(line.split(" ", 1)[0])
    return frozenset(names)


@lru_cache(maxsize=1)
def _noun_exceptions() -> dict[str, str]:
    out = {}
    with (_lexicon_dir() / "noun.exc").open(encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                out[parts[0]] = parts[1]
    return out


# WordNet's own detachment rules for nouns (as in morphy).
_NOUN_SUFFIXES = (("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
                  ("men", "man"), ("ies", "y"), ("s", ""))


def morphy_noun(word: str) -> str | None:
    """The WordNet base form of a noun (morphy), without loading nltk's full reader."""
    nouns = _lemmas("noun")
    if word in _noun_exceptions():
        return _noun_exceptions()[word]
    for suffix, ending in _NOUN_SUFFIXES:
        if word.endswith(suffix):
            base = word[: len(word) - len(suffix)] + ending
            if base in nouns:
                return base
    return word if word in nouns else None


@lru_cache(maxsize=1)
def wordnet() -> Any:
    import nltk
    from nltk.corpus import wordnet as wn

    for candidate in (os.environ.get("AUTOMMLAB_NLTK_DATA"), str(Path(sys.prefix) / "nltk_data")):
        if candidate and candidate not in nltk.data.path:
            nltk.data.path.insert(0, candidate)
    try:
        wn.ensure_loaded()
    except LookupError as exc:
        raise AutommlabError(
            "WordNet data is missing: run infra/setup.sh (it installs Debian's wordnet-base "
            "and copies it under <venv>/nltk_data), or set AUTOMMLAB_NLTK_DATA."
        ) from exc
    return wn


# Nouns used only in the plural: they stay as written (PARSE_CONVENTIONS.md).
PLURAL_ONLY = frozenset({
    "scissors", "sunglasses", "glasses", "eyeglasses", "spectacles", "goggles", "pants",
    "jeans", "shorts", "trousers", "pliers", "tongs", "tweezers", "binoculars", "headphones",
    "earphones", "earbuds", "clothes", "species", "series", "news", "cattle", "shears",
    "leggings", "tights", "pajamas", "pyjamas", "overalls", "briefs", "boxers", "suds", "algae",
    "caries", "panties", "knickers", "clippers", "forceps", "crutches", "stairs", "debris",
    "remains", "premises", "belongings", "outskirts", "surroundings", "barracks", "means",
    "headquarters", "gallows", "diabetes", "measles", "rabies", "mumps", "scabies", "lens",
    "bus", "gas", "glass", "grass", "cross", "chess", "dress", "mattress", "canvas", "atlas",
    "virus", "cactus", "octopus", "hippopotamus", "bonus", "status", "corpus", "campus",
    "asbestos", "lotus", "hibiscus", "iris", "pelvis", "thorax", "abdomen", "analysis",
    "chassis", "bass", "moss", "boss", "compass", "harness", "business", "process",
    "mess", "address", "princess", "witness", "floss", "gloss", "hummus", "walrus",
    "platypus", "albatross", "asparagus", "citrus", "fungus", "plus", "minus", "tennis",
    "lettuce", "lynx", "fox", "box", "ox", "wax", "tax", "apparatus", "mucus", "pus",
})
_IRREGULAR = {"people": "person", "men": "man", "women": "woman", "children": "child",
              "teeth": "tooth", "feet": "foot", "mice": "mouse", "geese": "goose",
              "dice": "die", "oxen": "ox", "lice": "louse", "knives": "knife",
              "leaves": "leaf", "loaves": "loaf", "wolves": "wolf", "calves": "calf",
              "halves": "half", "shelves": "shelf", "hooves": "hoof", "thieves": "thief",
              "lives": "life", "wives": "wife", "fungi": "fungus", "cacti": "cactus",
              "nuclei": "nucleus", "bacteria": "bacterium", "criteria": "criterion",
              "vertebrae": "vertebra", "larvae": "larva", "algae": "alga", "pupae": "pupa",
              "data": "data", "media": "media", "fish": "fish", "sheep": "sheep",
              "deer": "deer", "aircraft": "aircraft", "salmon": "salmon", "trout": "trout",
              "bison": "bison", "moose": "moose", "swine": "swine", "shrimp": "shrimp",
              "buses": "bus", "lenses": "lens", "glasses": "glasses", "dresses": "dress",
              "boxes": "box", "foxes": "fox", "gases": "gas", "viruses": "virus",
              "potatoes": "potato", "tomatoes": "tomato", "heroes": "hero", "axes": "axe",
              "cookies": "cookie", "pies": "pie", "ties": "tie", "lies": "lie",
              "movies": "movie", "zombies": "zombie", "selfies": "selfie", "hoodies": "hoodie"}


def singular(word: str) -> str:
    """The singular of one lower-case English noun (last word of a phrase)."""
    if word in PLURAL_ONLY or len(word) <= 3:
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word in _noun_exceptions() and word not in _lemmas("noun"):
        return _noun_exceptions()[word]  # Latin and Greek plurals: nevi, nuclei (not "cola")
    if not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    lemma = morphy_noun(word)
    if lemma and lemma != word:
        return lemma
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "zzes", "sses")):
        return word[:-2]
    return word[:-1]


def noun_synsets(phrase: str) -> list[Any]:
    """Noun synsets of a phrase ('ankle boot' -> ankle_boot), singular or plural."""
    wn = wordnet()
    key = phrase.strip().lower().replace(" ", "_").replace("-", "_")
    found = wn.synsets(key, pos="n")
    if not found and "_" in key:
        found = wn.synsets(key.replace("_", ""), pos="n")
    return list(found)


def synset(synset_id: str) -> Any | None:
    try:
        return wordnet().synset(synset_id)
    except Exception:  # nltk raises WordNetError / ValueError for unknown ids
        return None


def relation(query: Any, target: Any) -> str | None:
    """How a class synset `target` relates to a requested synset `query`.

    'synonym' (same synset), 'hyponym' (target is a kind of query: footwear -> sneaker),
    or None. Hypernyms are not matches: asking for 'sneaker' must not select every shoe.
    """
    if query == target:
        return "synonym"
    if query in target.closure(lambda s: s.hypernyms() + s.instance_hypernyms()):
        return "hyponym"
    return None


def is_adjective_only(word: str) -> bool:
    """True for words WordNet knows as adjectives but not as nouns ('damaged', 'ripe')."""
    return word not in _lemmas("noun") and word in _lemmas("adj")


_SUFFIXES = ("", "s", "es", "ed", "d", "ing", "er", "ers", "ly", "ies")


def is_english_word(word: str) -> bool:
    """True when `word`, or `word` minus a common inflection, is a WordNet lemma of any
    part of speech (or a known plural)."""
    lemmas = (_lemmas("noun"), _lemmas("verb"), _lemmas("adj"), _lemmas("adv"))
    if word in _noun_exceptions() or morphy_noun(word):
        return True
    for suffix in _SUFFIXES:
        if suffix and not word.endswith(suffix):
            continue
        stem = word[: len(word) - len(suffix)] if suffix else word
        for candidate in {stem, stem + "e", stem[:-1] if stem[-1:] == stem[-2:-1] else stem,
                          stem[:-1] + "y" if suffix == "ies" else stem}:
            if any(candidate in group for group in lemmas):
                return True
    return False


def is_noun(word: str) -> bool:
    return word in _lemmas("noun")


def is_adverb(word: str) -> bool:
    return word in _lemmas("adv")


CREATURES_FILE = "autommlab-creatures.txt"


@lru_cache(maxsize=1)
def creature_lemmas() -> frozenset[str]:
    """Nouns whose first WordNet sense is an animal or a person (keypoint carriers).

    Derived once from the full WordNet graph (nltk, ~5 s) and cached beside the WordNet
    files (or in ~/.cache/autommlab), so the parser never loads the full reader.
    """
    candidates = [_lexicon_dir() / CREATURES_FILE,
                  Path.home() / ".cache" / "autommlab" / CREATURES_FILE]
    for path in candidates:
        if path.exists():
            return frozenset(path.read_text(encoding="utf-8").split())
    wn = wordnet()
    roots = [wn.synset("animal.n.01"), wn.synset("person.n.01")]
    creatures = set(roots)
    for root in roots:
        creatures.update(root.closure(lambda x: x.hyponyms() + x.instance_hyponyms()))
    names = {lemma.lower() for syn in creatures for lemma in syn.lemma_names()}
    firsts = frozenset(n for n in names if "_" not in n and wn.synsets(n, pos="n")
                       and wn.synsets(n, pos="n")[0] in creatures)
    for path in candidates:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n".join(sorted(firsts)) + "\n", encoding="utf-8")
            break
        except OSError:
            continue  # read-only location: try the next one
    return firsts

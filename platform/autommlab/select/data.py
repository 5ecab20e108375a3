"""Data selection: which zoo dataset (and which of its classes) serves a request.

Steps (each recorded as a reason): task filter; fuzzy dataset-name match when the user
names a dataset; then matching requested objects to dataset classes by exact name or
alias, fuzzy spelling (rapidfuzz), and WordNet (same synset, or the class is a kind of
the requested object: "footwear" -> sandal, sneaker, ankle boot). The dataset covering the
most requested objects wins (ties: more training images in the matching classes); the
decision names the matching classes, which form the sub-dataset.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from autommlab.errors import SelectionError
from autommlab.select.decisions import ClassMatch, DataDecision, DatasetCandidate
from autommlab.understand.schema import RequestConfig
from autommlab.wordnet import noun_synsets, relation, singular, synset
from autommlab.zoo.cards import ClassInfo, DataCard

FUZZY_CLASS_MIN = 88  # spelling variants ("t shirt"/"t-shirt"), not different words
FUZZY_NAME_MIN = 80


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def match_object(obj: str, cls: ClassInfo) -> ClassMatch | None:
    """How (and whether) one requested object names one dataset class."""
    wanted = _norm(obj)
    names = [_norm(cls.name), *(_norm(a) for a in cls.aliases)]
    if wanted == names[0]:
        return ClassMatch(requested=obj, dataset_class=cls.name, how="exact", score=1.0)
    if wanted in names[1:]:
        return ClassMatch(requested=obj, dataset_class=cls.name, how="alias", score=1.0)
    best = max(fuzz.ratio(wanted, n) for n in names)
    if best >= FUZZY_CLASS_MIN:
        return ClassMatch(requested=obj, dataset_class=cls.name, how="fuzzy", score=best / 100)
    target = synset(cls.synset) if cls.synset else None
    if target is None:
        return None
    queries = noun_synsets(wanted)
    by_head_noun = not queries and " " in wanted  # "damaged sneaker" -> sneaker
    if by_head_noun:
        queries = noun_synsets(singular(wanted.split()[-1]))
    for query in queries:
        rel = relation(query, target)
        if rel:
            return ClassMatch(requested=obj, dataset_class=cls.name,
                              how="head-noun" if by_head_noun else rel,
                              score=0.9 if rel == "synonym" else 0.8)
    return None


def _candidate(card: DataCard, objects: list[str], named: list[str]) -> DatasetCandidate:
    matches = [m for obj in objects for cls in card.classes if (m := match_object(obj, cls))]
    covered = {m.requested for m in matches}
    name_score = max((fuzz.WRatio(_norm(n), _norm(card.name)) for n in named), default=0.0)
    return DatasetCandidate(name=card.name, coverage=len(covered) / len(objects) if objects
                            else 0.0, matches=matches, name_score=name_score)


def select_dataset(config: RequestConfig, datasets: list[DataCard]) -> DataDecision:
    task = config.model.task
    objects = config.data.object
    named = config.data.specific
    reasons: list[str] = []
    pool = [d for d in datasets if d.task == task]
    if not pool:
        raise SelectionError(f"the zoo has no {task} dataset; it has datasets for: "
                             f"{', '.join(sorted({d.task for d in datasets})) or 'nothing'}")
    reasons.append(f"task filter: {len(pool)} of {len(datasets)} datasets are {task} datasets")
    candidates = sorted((_candidate(d, objects, named) for d in pool),
                        key=lambda c: (-c.name_score if c.name_score >= FUZZY_NAME_MIN else 0,
                                       -c.coverage, -_matched_images(pool, c), c.name))
    best = candidates[0]
    card = next(d for d in pool if d.name == best.name)
    if named:
        if best.name_score >= FUZZY_NAME_MIN:
            reasons.append(f"dataset name: '{', '.join(named)}' matches '{best.name}' "
                           f"(score {best.name_score:.0f})")
        else:
            reasons.append(f"dataset name: {', '.join(named)} is not in the zoo; "
                           "chose by classes instead")
    if objects and best.coverage == 0:
        raise SelectionError(_no_dataset_message(task, objects, pool))
    if not objects:
        reasons.append(f"no objects named: using every class of '{card.name}'")
        classes = card.class_names
        matches: list[ClassMatch] = []
        unmatched: list[str] = []
    else:
        matches = _best_per_class(best.matches)
        classes = [c for c in card.class_names if c in {m.dataset_class for m in matches}]
        unmatched = [o for o in objects if o not in {m.requested for m in matches}]
        reasons.append(f"'{card.name}' covers {best.coverage:.0%} of the requested objects: "
                       + "; ".join(f"{m.requested} -> {m.dataset_class} ({m.how})"
                                   for m in matches))
        if unmatched:
            reasons.append(f"not found in '{card.name}': {', '.join(unmatched)}")
    if len(classes) == 1 and task == "classification":
        raise SelectionError(
            f"only one class ({classes[0]}) of '{card.name}' matches {objects}: a classifier "
            "needs at least two classes. Name the other classes you need, e.g. "
            + ", ".join(card.class_names[:4]))
    return DataDecision(dataset=card.name, task=task, classes=classes, matches=matches,
                        unmatched_objects=unmatched, reasons=reasons, candidates=candidates)


def _matched_images(pool: list[DataCard], candidate: DatasetCandidate) -> float:
    """Training images in the matching classes (splits are class-balanced): the tie-breaker,
    so a dedicated footwear set beats the footwear slice of a bigger garment set."""
    card = next(d for d in pool if d.name == candidate.name)
    matched = {m.dataset_class for m in candidate.matches} or set(card.class_names)
    return card.sizes.train * len(matched) / max(len(card.classes), 1)


def _best_per_class(matches: list[ClassMatch]) -> list[ClassMatch]:
    seen: dict[tuple[str, str], ClassMatch] = {}
    for m in matches:
        key = (m.requested, m.dataset_class)
        if key not in seen or m.score > seen[key].score:
            seen[key] = m
    return list(seen.values())


def _no_dataset_message(task: str, objects: list[str], pool: list[DataCard]) -> str:
    all_classes = sorted({c.name for d in pool for c in d.classes})
    closest = {o: [c for c, _, _ in process.extract(o, all_classes, scorer=fuzz.WRatio,
                                                     limit=3)] for o in objects}
    hints = "; ".join(f"'{o}': closest classes {', '.join(c)}" for o, c in closest.items())
    return (f"no {task} dataset in the zoo has images of {', '.join(objects)}. {hints}. "
            f"{task} datasets available: "
            + ", ".join(f"{d.name} ({', '.join(d.class_names[:6])})" for d in pool))

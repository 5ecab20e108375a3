"""Model selection: which zoo architecture serves a request.

Steps (each recorded): task filter; fuzzy match of a model the user names; hard filter on
parameters / FLOPs / latency after unit normalisation; best reference accuracy among the
survivors (fewer parameters break ties). Latency is measured on this machine's CPU, so it
is enforced for CPU (or unstated) targets and reported, not enforced, for GPU targets.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

from autommlab.errors import SelectionError
from autommlab.select.decisions import FilteredModel, ModelDecision
from autommlab.understand.schema import RequestConfig
from autommlab.understand.units import Constraints, normalise_constraints
from autommlab.zoo.cards import ModelCard

NAME_MATCH_MIN = 90


def _key(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def name_score(requested: str, card: ModelCard) -> float:
    names = [card.name, card.architecture, *card.aliases]
    return max(fuzz.ratio(_key(requested), _key(n)) for n in names)


def violations(card: ModelCard, limits: Constraints, check_latency: bool) -> list[str]:
    m = card.measured
    out = []
    if limits.max_params_m is not None and m.params_m > limits.max_params_m:
        out.append(f"{m.params_m:.2f} M params > {limits.max_params_m:g} M")
    if limits.max_gflops is not None and m.flops_g > limits.max_gflops:
        out.append(f"{m.flops_g:.2f} GFLOPs > {limits.max_gflops:g} G")
    if (check_latency and limits.max_latency_ms is not None and m.latency_ms_cpu is not None
            and m.latency_ms_cpu > limits.max_latency_ms):
        out.append(f"{m.latency_ms_cpu:.1f} ms on CPU > {limits.max_latency_ms:g} ms")
    return out


def _accuracy(card: ModelCard) -> float:
    return card.reference_accuracy.value if card.reference_accuracy else 0.0


def select_model(config: RequestConfig, models: list[ModelCard],
                 prefer_tags: Sequence[str] = ()) -> ModelDecision:
    """Choose the model: the named one if any, else the best reference accuracy among the
    models that meet every constraint. `prefer_tags` ranks models carrying those tags first
    (in order), e.g. ("cpu-default", "cpu-trainable") when training runs on a CPU: ImageNet /
    COCO accuracy says little about a model trained from scratch for minutes."""
    task = config.model.task
    limits = normalise_constraints(config)
    check_latency = config.deploy.gpu != "gpu"
    reasons: list[str] = []
    pool = [m for m in models if m.task == task]
    if not pool:
        raise SelectionError(f"the model zoo has no {task} model")
    reasons.append(f"task filter: {len(pool)} {task} models")
    if limits.describe():
        reasons.append("constraints (normalised): " + ", ".join(limits.describe()))
    if limits.max_latency_ms is not None and not check_latency:
        reasons.append("latency target is on a GPU: CPU latencies are reported, not enforced")

    filtered: list[FilteredModel] = []
    passing: list[ModelCard] = []
    for card in pool:
        why = violations(card, limits, check_latency)
        if why:
            filtered.append(FilteredModel(name=card.name, why="; ".join(why)))
        else:
            passing.append(card)

    requested = config.model.specific_model
    chosen: ModelCard | None = None
    if requested.lower() not in ("", "none"):
        best = max(pool, key=lambda c: name_score(requested, c))
        score = name_score(requested, best)
        if score >= NAME_MATCH_MIN:
            if best not in passing:
                why = next(f.why for f in filtered if f.name == best.name)
                raise SelectionError(
                    f"you asked for {requested} ({best.name}), but it breaks your constraints: "
                    f"{why}. Drop the model name or relax the constraint; models that fit: "
                    + (", ".join(c.name for c in passing) or "none"))
            chosen = best
            reasons.append(f"requested model '{requested}' matches '{best.name}' "
                           f"(score {score:.0f})")
        else:
            reasons.append(f"requested model '{requested}' is not in the zoo (closest: "
                           f"{best.name}); chose by constraints and accuracy")
    if not passing:
        raise SelectionError(_nothing_fits(task, limits, pool, check_latency))
    ranked = sorted(passing, key=lambda c: (*(t not in c.tags for t in prefer_tags),
                                            -_accuracy(c), c.measured.params_m))
    if chosen is None:
        chosen = ranked[0]
        preferred = [t for t in prefer_tags if t in chosen.tags]
        if preferred:
            reasons.append(f"preferred models tagged {preferred[0]!r} (training on this "
                           f"machine); best reference accuracy among them that meets every "
                           f"constraint: {_describe_accuracy(chosen)}")
        else:
            reasons.append(f"best reference accuracy among {len(passing)} models that meet "
                           f"every constraint: {_describe_accuracy(chosen)}")
    return ModelDecision(
        model=chosen.name, architecture=chosen.architecture, task=task,
        params_m=chosen.measured.params_m, gflops=chosen.measured.flops_g,
        latency_ms_cpu=chosen.measured.latency_ms_cpu,
        reference_accuracy=_describe_accuracy(chosen), reasons=reasons,
        filtered_out=filtered, candidates=[c.name for c in ranked])


def _describe_accuracy(card: ModelCard) -> str:
    ref = card.reference_accuracy
    return f"{card.name}: {ref.metric} {ref.value:.3f} on {ref.dataset}" if ref else card.name


def _nothing_fits(task: str, limits: Constraints, pool: list[ModelCard],
                  check_latency: bool) -> str:
    closest = min(pool, key=lambda c: len(violations(c, limits, check_latency)) * 1e6
                  + c.measured.params_m)
    return (f"no {task} model in the zoo meets {', '.join(limits.describe())}. Closest: "
            f"{closest.name} ({'; '.join(violations(closest, limits, check_latency))}). "
            "Relax a constraint or add a smaller model card.")

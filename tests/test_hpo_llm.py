"""HPO-LLaMA: the dialogue format, the advisor, the llm / hybrid searchers, the training data.

The LLM is a test double (`ScriptedChatModel`): it answers with fixed texts, raises, or
waits on an event, so the searcher's threading, timeout and fallback paths can be driven
deterministically. Everything else is real: TPE (Optuna) for the fallback and the hybrid,
the zoo's cards, JSON-schema validation, and one run under a real Ray Tune.
"""

from __future__ import annotations

import json
import math
import pickle
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("ray.tune", reason="the hpo extra is not installed")
pytest.importorskip("optuna", reason="the hpo extra is not installed")

from jsonschema import Draft202012Validator

from autommlab.errors import BackendUnavailableError, HPOError, LLMError
from autommlab.hpo import HPORecord, available_searchers, get_searcher, run_hpo, search_space
from autommlab.hpo.searchers.llm import HybridSearcher, LLMSearcher
from autommlab.hpo.searchers.tpe import TPESearcher
from autommlab.hpo.space import SearchSpace
from autommlab.llm import advisor as advisor_module
from autommlab.llm.advisor import AdvisorContext, HPOAdvisor, LLMAdvisor, TrialOutcome
from autommlab.llm.hpo_data import build_hpo_dialogues, group_records, group_space
from autommlab.llm.hpo_prompt import (
    build_messages,
    config_key,
    format_answer,
    parse_proposals,
    proposal_schema,
)
from autommlab.train.hparams import Hyperparameters
from autommlab.zoo.catalog import load_cards
from llmfixtures import Reply, ScriptedChatModel

pytestmark = pytest.mark.timeout(300)

SPACE = search_space("classification", "small")
CARDS = load_cards()


def cfg(**changes: Any) -> dict[str, Any]:
    base = {"optimizer": "AdamW", "lr": 1e-4, "weight_decay": 1e-4, "batch_size": 32,
            "iters": 200, "lr_schedule": "CosineAnnealingLR"}
    return {**base, **changes}


def clipped(config: Mapping[str, Any], space: SearchSpace = SPACE) -> dict[str, Any]:
    return space.to_config(space.clip(config))


def answer(*configs: Mapping[str, Any]) -> str:
    return json.dumps({"configs": [dict(c) for c in configs]})


def llm_searcher(replies: Sequence[Reply], *, name: str = "llm", round_size: int = 2,
                 gate: threading.Event | None = None, **options: Any
                 ) -> tuple[LLMSearcher, ScriptedChatModel]:
    model = ScriptedChatModel(replies, gate=gate)
    options.setdefault("prior_top_k", 0)  # the prior has its own tests
    searcher = get_searcher(name, SPACE, metric="accuracy", seed=0,
                            advisor=LLMAdvisor(model), dataset="fashion-footwear",
                            model="shufflenet-v2", round_size=round_size,
                            max_concurrent=round_size, **options)
    assert isinstance(searcher, LLMSearcher)
    return searcher, model


def suggest_soon(searcher: LLMSearcher, trial_id: str, within: float = 10.0
                 ) -> dict[str, Any]:
    """Ask as Tune does (again and again) until the searcher hands out a config."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        config = searcher.suggest(trial_id)
        if config is not None:
            assert isinstance(config, dict), config
            return config
        time.sleep(0.005)
    raise AssertionError(f"no suggestion for {trial_id} within {within} s")


def complete(searcher: LLMSearcher, trial_id: str, value: float | None) -> None:
    if value is None:
        searcher.on_trial_complete(trial_id, None, error=True)
    else:
        searcher.on_trial_complete(trial_id, {"accuracy": value})


# --- the dialogue format ---------------------------------------------------------------------
def test_proposal_schema_is_a_valid_schema_that_checks_answers() -> None:
    schema = proposal_schema(SPACE, 2)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    good = json.loads(format_answer([cfg(), cfg(optimizer="SGD", lr=0.01, iters=150)]))
    assert validator.is_valid(good)
    bad_lr = json.loads(answer(cfg(), cfg(lr=5.0)))
    assert not validator.is_valid(bad_lr)  # out of range
    assert not validator.is_valid(json.loads(answer(cfg())))  # k = 2 items exactly
    assert not validator.is_valid(json.loads(answer(cfg(), cfg(momentum=0.9))))  # extra key
    assert not validator.is_valid(json.loads(answer(cfg(), cfg(batch_size=24))))  # not a choice
    assert not validator.is_valid(json.loads(answer(cfg(), cfg(optimizer="Adagrad"))))
    with pytest.raises(LLMError):
        proposal_schema(SPACE, 0)


def test_parse_proposals_clips_dedupes_and_never_evaluates(tmp_path: Path) -> None:
    text = answer(cfg(optimizer="sgd", lr=5.0, batch_size=50, iters=1234),
                  cfg(lr=1e-4), cfg(lr=1.0001e-4),  # the same experiment at 3 digits
                  cfg(lr=3e-4))
    proposals = parse_proposals(text, SPACE, 3, tried=[cfg(lr=3e-4)])
    assert proposals == [clipped(cfg(optimizer="SGD", lr=5.0, batch_size=50, iters=1234)),
                         clipped(cfg(lr=1e-4))]
    first = proposals[0]
    assert first["lr"] == SPACE.lr["SGD"][1] and first["iters"] == SPACE.iters[1]
    assert first["batch_size"] in SPACE.batch_sizes
    # at most k; JSON inside chatter is still read (a server that ignored the schema)
    assert len(parse_proposals(answer(cfg(), cfg(lr=2e-4), cfg(lr=3e-4)), SPACE, 2)) == 2
    assert parse_proposals("Sure! " + answer(cfg()) + " Good luck.", SPACE, 1) == [
        clipped(cfg())]
    assert parse_proposals(json.dumps([cfg()]), SPACE, 1) == [clipped(cfg())]  # a bare list

    marker = tmp_path / "evaluated"
    code = f"__import__('os').makedirs({str(marker)!r})"
    for bad in ("not json at all", code, "", "[1, 2]", '{"configs": []}', '{"lr": 0.1}',
                '{"configs": [{"colour": "red"}]}', answer(cfg(lr=3e-4))[:-3]):
        with pytest.raises(LLMError):
            parse_proposals(bad, SPACE, 2)
    assert not marker.exists()  # the reply was never run as code
    with pytest.raises(LLMError, match="no new usable config"):
        parse_proposals(answer(cfg(lr=3e-4)), SPACE, 1, tried=[cfg(lr=3e-4)])


def test_round_prompts_show_the_problem_then_earlier_results() -> None:
    context = AdvisorContext(space=SPACE, task="classification", metric="accuracy",
                             data=CARDS.dataset("fashion-footwear"),
                             model=CARDS.model("shufflenet-v2"))
    first = build_messages(context, 2)
    assert [m["role"] for m in first] == ["system", "user"]
    prompt = first[1]["content"]
    for part in ("Maximise accuracy", "fashion-footwear", "3 classes", "shufflenet-v2",
                 "2.28M params", "0.149 GFLOPs", "SGD lr 0.001-0.1", "batch_size 16|32",
                 "iters 100-300 step 10", "CosineAnnealingLR", "Propose 2 configs"):
        assert part in prompt, (part, prompt)
    assert len(prompt) < 900  # ~210 tokens: the 135M model's context is short

    done = ((TrialOutcome(clipped(cfg(lr=2e-4)), 0.91234), TrialOutcome(clipped(cfg()), None,
                                                                          True)),)
    second = build_messages(AdvisorContext(space=SPACE, task="classification",
                                           metric="accuracy", rounds=done,
                                           dataset_name="mystery-data"), 2)
    assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]
    assert "Data: mystery-data." in second[1]["content"]  # no card: the name
    assert json.loads(second[2]["content"])["configs"][0]["lr"] == 2e-4
    assert second[3]["content"] == ("Results (accuracy): 1: 0.912; 2: crashed. "
                                    "Best so far: 0.912. Propose 2 new configs.")


def test_the_first_prompt_shows_the_prior_as_copyable_json() -> None:
    prior = (clipped(cfg(optimizer="SGD", lr=0.0123456, iters=150)), clipped(cfg()))
    context = AdvisorContext(space=SPACE, task="classification", metric="accuracy",
                             data=CARDS.dataset("fashion-footwear"), prior=prior)
    prompt = build_messages(context, 2)[1]["content"]
    line = next(x for x in prompt.splitlines() if x.startswith("Good on similar data: "))
    items = line.removeprefix("Good on similar data: ").removesuffix(".").split("; ")
    # each item is written exactly as an answer's config, so the model can copy it
    assert [json.loads(item) for item in items] == json.loads(format_answer(prior))["configs"]
    assert prompt.index("Model: ") < prompt.index(line) < prompt.index("Space: ")
    without = build_messages(AdvisorContext(space=SPACE, task="classification",
                                            metric="accuracy"), 2)[1]["content"]
    assert "similar data" not in without


def test_llm_advisor_asks_for_k_configs_with_the_schema() -> None:
    model = ScriptedChatModel([answer(cfg(lr=2e-4), cfg(optimizer="SGD", lr=0.01))])
    advisor = LLMAdvisor(model)
    context = AdvisorContext(space=SPACE, task="classification", metric="accuracy",
                             rounds=((TrialOutcome(clipped(cfg(lr=2e-4)), 0.5),),))
    proposals = advisor.propose(context, 2)
    assert proposals == [clipped(cfg(optimizer="SGD", lr=0.01))]  # the tried one is dropped
    call = model.calls[0]
    assert call["schema"] == proposal_schema(SPACE, 2)
    assert call["max_new_tokens"] == advisor.tokens_for(2) >= 2 * 60
    assert advisor.description == "llm:scripted"
    assert advisor.last_completion is not None


# --- the llm searcher ------------------------------------------------------------------------
def test_the_llm_call_runs_in_a_background_thread() -> None:
    gate = threading.Event()
    round_1 = [cfg(lr=2e-4), cfg(optimizer="SGD", lr=0.02, iters=150)]
    searcher, model = llm_searcher([answer(*round_1)], gate=gate)
    slowest = 0.0
    for _ in range(5):  # the model is "thinking": suggest answers at once, with nothing
        started = time.perf_counter()
        assert searcher.suggest("t0") is None
        slowest = max(slowest, time.perf_counter() - started)
        time.sleep(0.01)
    assert slowest < 0.05, slowest
    assert len(model.calls) == 1  # one call per round, not one per suggest
    gate.set()
    assert suggest_soon(searcher, "t0") == clipped(round_1[0])
    assert searcher.suggest("t1") == clipped(round_1[1])
    assert model.threads == ["autommlab-hpo-llm_0"]  # not Tune's thread
    assert threading.current_thread().name not in model.threads
    assert searcher.suggest("t2") is None  # both slots busy: round 2 waits for round 1
    info = searcher.rounds_info[0]
    assert info["llm"] == 2 and info["tpe"] == 0 and info["llm_seconds"] >= 0.04
    assert searcher.fallbacks == []


def test_the_second_round_sees_the_first_and_no_duplicates_are_tried() -> None:
    round_1 = [cfg(lr=2e-4), cfg(optimizer="SGD", lr=0.02, iters=150)]
    round_2 = [cfg(lr=2e-4), cfg(lr=4e-4), cfg(lr=5e-4)]  # a repeat, then new ones
    searcher, model = llm_searcher([answer(*round_1), answer(*round_2)])
    suggest_soon(searcher, "t0")
    suggest_soon(searcher, "t1")
    complete(searcher, "t0", 0.8)
    complete(searcher, "t1", None)
    second = [suggest_soon(searcher, "t2"), suggest_soon(searcher, "t3")]
    assert second == [clipped(cfg(lr=4e-4)), clipped(cfg(lr=5e-4))]
    results = model.calls[1]["messages"][-1]["content"]
    assert results.startswith("Results (accuracy): 1: 0.8; 2: crashed.")
    assert searcher.round == 2 and searcher.fallbacks == []


def test_a_failing_llm_round_falls_back_to_tpe(caplog: pytest.LogCaptureFixture) -> None:
    searcher, model = llm_searcher([LLMError("the model is on strike"), "lr = 0.1 please",
                                    answer(cfg(lr=4e-4), cfg(lr=5e-4))])
    reference = TPESearcher(SPACE, "accuracy", "max", 0, round_size=1)
    expected = [clipped(c) for c in reference.propose([], 2)]
    first = [suggest_soon(searcher, "t0"), suggest_soon(searcher, "t1")]
    assert first == expected  # TPE's own first round, from the same seed
    assert searcher.fallbacks == [{"round": 1, "reason": "LLMError: the model is on strike",
                                   "tpe_configs": 2}]
    assert "the model is on strike" in caplog.text
    complete(searcher, "t0", 0.5)
    complete(searcher, "t1", 0.6)
    suggest_soon(searcher, "t2")
    assert "not JSON" in searcher.fallback_reason  # round 2: a reply that is not JSON
    assert searcher.fallbacks[-1]["round"] == 2
    suggest_soon(searcher, "t3")
    complete(searcher, "t2", 0.7)
    complete(searcher, "t3", 0.7)
    assert suggest_soon(searcher, "t4") == clipped(cfg(lr=4e-4))  # round 3: the LLM again
    state = searcher.get_state()["extra"]
    assert [f["round"] for f in state["fallbacks"]] == [1, 2]
    assert [r["llm"] for r in state["rounds_info"]] == [0, 0, 2]
    assert len(model.calls) == 3


def test_a_slow_llm_times_out_to_tpe_and_is_not_queued_behind() -> None:
    gate = threading.Event()
    searcher, model = llm_searcher([answer(cfg(lr=2e-4), cfg(lr=3e-4)),
                                    answer(cfg(lr=4e-4), cfg(lr=5e-4))],
                                   gate=gate, timeout_s=0.2)
    started = time.monotonic()
    suggest_soon(searcher, "t0")
    assert time.monotonic() - started >= 0.2
    assert "did not answer within 0.2 s" in searcher.fallback_reason
    suggest_soon(searcher, "t1")
    complete(searcher, "t0", 0.5)
    complete(searcher, "t1", 0.6)
    suggest_soon(searcher, "t2")  # round 2: the timed-out call still runs
    assert searcher.fallbacks[-1]["reason"] == ("an earlier LLM call that timed out is still "
                                                "running")
    assert len(model.calls) == 1
    suggest_soon(searcher, "t3")
    complete(searcher, "t2", 0.5)
    complete(searcher, "t3", 0.6)
    gate.set()  # the abandoned call ends (its answer is dropped); round 3 asks again
    deadline = time.monotonic() + 5
    while searcher._abandoned is not None and not searcher._abandoned.done():
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert suggest_soon(searcher, "t4") == clipped(cfg(lr=4e-4))
    assert len(model.calls) == 2


def test_a_missing_default_advisor_falls_back_without_retrying(
        monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[int] = []

    def unavailable() -> HPOAdvisor:
        attempts.append(1)
        raise BackendUnavailableError("autommlab.llm.local is not installed")

    monkeypatch.setattr(advisor_module, "default_advisor", unavailable)
    searcher = get_searcher("llm", SPACE, metric="accuracy", seed=0, round_size=1,
                            max_concurrent=1)
    for i in range(3):
        suggest_soon(searcher, f"t{i}")
        complete(searcher, f"t{i}", 0.1 * i)
    assert len(attempts) == 1
    assert [f["round"] for f in searcher.fallbacks] == [1, 2, 3]  # type: ignore[attr-defined]
    assert "not installed" in searcher.fallback_reason  # type: ignore[attr-defined]


def test_default_advisor_is_the_local_model_with_the_hpo_adapter(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from autommlab.llm import local
    from autommlab.llm.config import LLMConfig

    class UnloadedLocalModel(ScriptedChatModel):
        """Test double standing in for LocalChatModel: keeps the config, loads nothing."""

        def __init__(self, config: LLMConfig) -> None:
            super().__init__([])
            self.config = config

    monkeypatch.setattr(local, "LocalChatModel", UnloadedLocalModel)
    monkeypatch.delenv("AUTOMMLAB_LLM_HPO_ADAPTER", raising=False)
    advisor = advisor_module.default_advisor()
    assert isinstance(advisor, LLMAdvisor)
    assert advisor.chat.config.adapter == "builtin:hpo"  # type: ignore[attr-defined]
    monkeypatch.setenv("AUTOMMLAB_LLM_HPO_ADAPTER", "/adapters/mine")
    chat = advisor_module.default_advisor().chat  # type: ignore[attr-defined]
    assert chat.config.adapter == "/adapters/mine"


def test_hybrid_evaluates_the_llm_first_then_mixes_in_tpe() -> None:
    round_1 = [cfg(lr=2e-4), cfg(optimizer="SGD", lr=0.02)]
    searcher, model = llm_searcher([answer(*round_1), answer(cfg(lr=6e-4)),
                                    answer(cfg(lr=7e-4))], name="hybrid")
    assert isinstance(searcher, HybridSearcher)
    assert [suggest_soon(searcher, "t0"), suggest_soon(searcher, "t1")] == [
        clipped(c) for c in round_1]
    complete(searcher, "t0", 0.7)
    complete(searcher, "t1", 0.4)
    second = [suggest_soon(searcher, "t2"), suggest_soon(searcher, "t3")]
    assert second[0] == clipped(cfg(lr=6e-4))  # the LLM's share of round 2 ...
    assert second[1] not in [clipped(c) for c in round_1]  # ... and TPE's
    assert model.calls[1]["schema"]["properties"]["configs"]["minItems"] == 1
    study = searcher._tpe._study  # type: ignore[union-attr]
    assert study is not None and len(study.trials) == 3  # seeded with both LLM trials
    assert sorted(t.value for t in study.trials if t.value is not None) == [0.4, 0.7]
    assert searcher._origin_of == {"t0": "llm", "t1": "llm", "t2": "llm", "t3": "tpe"}
    complete(searcher, "t2", 0.8)
    complete(searcher, "t3", 0.5)
    suggest_soon(searcher, "t4")
    suggest_soon(searcher, "t5")
    assert [(r["llm"], r["tpe"]) for r in searcher.rounds_info] == [(2, 0), (1, 1), (1, 1)]
    # round 3: t2 added as a completed trial, t3 told, one new ask
    assert len(study.trials) == 5 and len([t for t in study.trials if t.value]) == 4


def test_hybrid_with_rounds_of_one_alternates_tpe_and_llm() -> None:
    searcher, _ = llm_searcher([answer(cfg(lr=2e-4)), answer(cfg(lr=3e-4))], name="hybrid",
                               round_size=1)
    for i in range(4):
        suggest_soon(searcher, f"t{i}")
        complete(searcher, f"t{i}", 0.5 + i / 10)
    assert [(r["llm"], r["tpe"]) for r in searcher.rounds_info] == [
        (1, 0), (0, 1), (1, 0), (0, 1)]


def test_state_save_restore_and_pickle_round_trip(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    searcher, _ = llm_searcher([LLMError("down"), answer(cfg(lr=4e-4), cfg(lr=5e-4))])
    for i in (0, 1):
        suggest_soon(searcher, f"t{i}")
        complete(searcher, f"t{i}", 0.5 + i / 10)
    assert suggest_soon(searcher, "t2") == clipped(cfg(lr=4e-4))  # one of round 2 handed out
    path = tmp_path / "searcher.json"
    searcher.save(str(path))
    saved = json.loads(path.read_text())  # plain JSON
    assert saved["queue"] == [clipped(cfg(lr=5e-4))] and saved["extra"]["origins"] == ["llm"]

    restored, model = llm_searcher([answer(cfg(lr=6e-4), cfg(lr=7e-4))])
    restored.restore(str(path))
    assert restored.get_state() == searcher.get_state()
    assert restored.fallbacks[0]["reason"] == "LLMError: down"
    assert suggest_soon(restored, "t3") == clipped(cfg(lr=5e-4))  # the round goes on
    complete(restored, "t2", 0.7)
    complete(restored, "t3", 0.2)
    assert suggest_soon(restored, "t4") == clipped(cfg(lr=6e-4))
    assert "1: 0.7; 2: 0.2" in model.calls[0]["messages"][-1]["content"]
    assert len(model.calls[0]["messages"]) == 6  # system, round 1, and 2 rounds after it

    # pickled (Tune pickles its searcher with the Tuner): no advisor, no thread travels;
    # the unpickled searcher builds the default advisor when it next needs one
    gate = threading.Event()
    slow, _ = llm_searcher([answer(cfg(lr=2e-4))], gate=gate)
    assert slow.suggest("t0") is None  # a call is in flight
    copy = pickle.loads(pickle.dumps(slow))
    gate.set()
    built: list[ScriptedChatModel] = []

    def default() -> HPOAdvisor:
        built.append(ScriptedChatModel([answer(cfg(lr=8e-4), cfg(lr=9e-4))]))
        return LLMAdvisor(built[-1])

    monkeypatch.setattr(advisor_module, "default_advisor", default)
    assert suggest_soon(copy, "t0") == clipped(cfg(lr=8e-4))
    assert len(built) == 1 and copy.advisor_description == "llm:scripted"


def test_propose_called_directly_waits_for_the_answer_or_the_timeout() -> None:
    searcher, _ = llm_searcher([answer(cfg(lr=2e-4), cfg(lr=3e-4))])
    assert searcher.propose([], 2) == [clipped(cfg(lr=2e-4)), clipped(cfg(lr=3e-4))]
    gate = threading.Event()
    stuck, _ = llm_searcher([answer(cfg(lr=2e-4))], gate=gate, timeout_s=0.1)
    started = time.monotonic()
    proposals = stuck.propose([], 2)
    gate.set()  # let the abandoned call end (the interpreter joins the worker at exit)
    assert 0.1 <= time.monotonic() - started < 5 and len(proposals) == 2
    assert stuck.fallbacks[0]["reason"] == "the LLM did not answer within 0.1 s"


def similar_history(tmp_path: Path) -> Path:
    """A history file: textures (a classification dataset) with a clear best config, and a
    detection dataset whose better metric must not make it the classifier's prior."""
    best = cfg(optimizer="SGD", lr=0.02, iters=250)
    rows = [HPORecord(dataset="textures", model="shufflenet-v2", task="classification",
                      hparams=hp, metric_name="accuracy", metric=metric)
            for hp, metric in ((best, 0.8), (cfg(lr=1e-5), 0.3))]
    rows.append(HPORecord(dataset="digit-detection", model="rtmdet-tiny", task="detection",
                          hparams=cfg(optimizer="Adam", lr=3e-3), metric_name="bbox_mAP",
                          metric=0.95))
    path = tmp_path / "history.jsonl"
    path.write_text("".join(r.model_dump_json() + "\n" for r in rows))
    return path


def test_the_llm_searcher_shows_similar_datasets_best_configs(tmp_path: Path) -> None:
    round_1 = [cfg(lr=2e-4), cfg(lr=3e-4)]
    searcher, model = llm_searcher([answer(*round_1)], history=similar_history(tmp_path),
                                   prior_top_k=2)
    assert [p["dataset"] for p in searcher.prior] == ["textures"]  # same task only
    assert "textures" in searcher.prior_reason
    prior_config = clipped(cfg(optimizer="SGD", lr=0.02, iters=250))
    assert searcher.prior[0]["config"] == prior_config
    suggest_soon(searcher, "t0")
    prompt = model.calls[0]["messages"][1]["content"]
    assert format_answer([prior_config])[len('{"configs":['):-2] in prompt
    # the prior is a hint, not a trial: only what the LLM proposed is evaluated
    assert suggest_soon(searcher, "t1") == clipped(round_1[1])
    state = searcher.get_state()
    assert state["extra"]["prior"][0]["dataset"] == "textures"
    restored = get_searcher("llm", SPACE, metric="accuracy", prior_top_k=0,
                            advisor=LLMAdvisor(ScriptedChatModel([])))
    restored.set_state(json.loads(json.dumps(state)))
    assert restored.prior == searcher.prior  # type: ignore[attr-defined]

    off, off_model = llm_searcher([answer(*round_1)], history=similar_history(tmp_path),
                                  prior_top_k=0)
    suggest_soon(off, "t0")
    assert off.prior == [] and "similar data" not in off_model.calls[0]["messages"][1][
        "content"]
    nameless = get_searcher("llm", SPACE, metric="accuracy", history=tmp_path / "none.jsonl")
    assert nameless.prior == []  # type: ignore[attr-defined]
    assert "no data card" in nameless.prior_reason  # type: ignore[attr-defined]
    with pytest.raises(HPOError, match="prior_top_k"):
        get_searcher("llm", SPACE, metric="accuracy", prior_top_k=-1)


def test_searcher_options_are_checked() -> None:
    assert {"llm", "hybrid"} <= set(available_searchers())
    with pytest.raises(HPOError, match="bad options"):
        get_searcher("llm", SPACE, metric="accuracy", temperature=0.7)
    with pytest.raises(HPOError, match="timeout_s"):
        get_searcher("llm", SPACE, metric="accuracy", timeout_s=0)
    searcher = get_searcher("llm", SPACE, metric="accuracy", dataset=CARDS.dataset("mnist"))
    assert searcher.dataset == "mnist" and searcher.model == ""  # type: ignore[attr-defined]


# --- fine-tuning dialogues -------------------------------------------------------------------
def history_records() -> list[HPORecord]:
    records = []
    for dataset, model, scale in (("fashion-footwear", "shufflenet-v2", 1.0),
                                  ("mnist", "resnet-18", 0.9)):
        for i in range(7):
            hp = cfg(lr=1e-4 * (i + 1), iters=40 + 20 * i, batch_size=16 if i % 2 else 32)
            records.append(HPORecord(
                dataset=dataset, model=model, task="classification", hparams=hp,
                metric_name="accuracy", metric=scale * (0.5 + 0.3 * math.sin(i)),
                budget="bench", source="benchmark", created=f"2025-01-01T00:00:{i:02d}"))
    records.append(records[0].model_copy(update={"created": "2025-01-01T00:01:00"}))
    return records


def test_hpo_dialogues_target_the_top_k_and_fit_the_schema() -> None:
    records = history_records()
    examples = build_hpo_dialogues(records, CARDS, k=2, seed=0, max_rounds=2, orderings=2)
    groups = group_records(records)
    spaces = {key[0]: group_space("classification", "bench", members)
              for key, members in groups.items()}
    assert spaces["mnist"].iters == (40, 300)  # widened to the benchmark's 40 iterations
    # per group: 1 round-1 example + 2 orderings x 2 multi-round examples
    assert len(examples) == 2 * (1 + 2 * 2)
    for example in examples:
        dataset = example.messages[1]["content"].split("Data: ")[1].split(",")[0]
        schema = proposal_schema(spaces[dataset], 2)
        target = json.loads(example.answer)
        Draft202012Validator(schema).validate(target)
        assert example.messages[-1]["role"] == "user"
        shown = [c for m in example.messages if m["role"] == "assistant"
                 for c in json.loads(m["content"])["configs"]]
        assert not {config_key(c) for c in target["configs"]} & {config_key(c) for c in shown}

    # round 1: the group's two best configs (the repeated record counted once)
    first = next(e for e in examples if len(e.messages) == 2
                 and "Data: fashion-footwear" in e.messages[1]["content"])
    ranked = sorted(range(7), key=lambda i: -math.sin(i))[:2]
    assert [c["lr"] for c in json.loads(first.answer)["configs"]] == [
        pytest.approx(1e-4 * (i + 1)) for i in ranked]
    # multi-round: earlier rounds with their results, then the top 2 of the rest
    multi = [e for e in examples if len(e.messages) == 6]
    assert multi and all("Results (accuracy):" in e.messages[3]["content"] for e in multi)

    again = build_hpo_dialogues(records, CARDS, k=2, seed=0, max_rounds=2, orderings=2)
    assert again == examples  # deterministic
    reseeded = build_hpo_dialogues(records, CARDS, k=2, seed=1, max_rounds=2, orderings=2)
    assert reseeded != examples and reseeded[:3] == examples[:3]  # only the shuffled orders

    held_out = build_hpo_dialogues(records, CARDS, k=2, seed=0, exclude_datasets=["mnist"])
    assert held_out and not any("Data: mnist," in m["content"] for e in held_out
                                for m in e.messages)
    assert build_hpo_dialogues(records[:1], CARDS, k=2) == []  # fewer configs than k


def test_hpo_dialogues_with_priors_teach_using_a_prior() -> None:
    records = history_records()
    plain = build_hpo_dialogues(records, CARDS, k=2, seed=0, max_rounds=2, orderings=2)
    both = build_hpo_dialogues(records, CARDS, k=2, seed=0, max_rounds=2, orderings=2,
                               priors=True)
    with_prior = [e for e in both if "Good on similar data: " in e.messages[1]["content"]]
    without = [e for e in both if e not in with_prior]
    assert without == plain  # priors only add dialogues
    # per group and ordering: a round-1 example and the 2 multi-round ones, with a prior
    assert len(with_prior) == 2 * 2 * (1 + 2)
    for example in with_prior:
        prompt = example.messages[1]["content"]
        dataset = prompt.split("Data: ")[1].split(",")[0]
        line = next(x for x in prompt.splitlines() if x.startswith("Good on similar"))
        items = line.removeprefix("Good on similar data: ").removesuffix(".").split("; ")
        assert 1 <= len(items) <= 2
        own = {config_key(c) for e in plain if f"Data: {dataset}," in e.messages[1]["content"]
               for c in json.loads(e.answer)["configs"]}
        own |= {config_key(c) for e in plain if f"Data: {dataset}," in e.messages[1]["content"]
                for m in e.messages if m["role"] == "assistant"
                for c in json.loads(m["content"])["configs"]}
        # drawn from the same search's trials (the stand-in for a similar dataset)
        assert {config_key(json.loads(item)) for item in items} <= own
    first_rounds = [e for e in with_prior if len(e.messages) == 2]
    assert len(first_rounds) == 4
    # the target is still the search's top 2, whatever the prior holds
    for example in first_rounds:
        dataset = example.messages[1]["content"].split("Data: ")[1].split(",")[0]
        plain_first = next(e for e in plain if len(e.messages) == 2
                           and f"Data: {dataset}," in e.messages[1]["content"])
        assert example.answer == plain_first.answer
    assert both == build_hpo_dialogues(records, CARDS, k=2, seed=0, max_rounds=2,
                                       orderings=2, priors=True)  # deterministic


# --- a real Ray Tune run ---------------------------------------------------------------------
def lr_train(hp: Hyperparameters, report: Callable[[Mapping[str, float]], None],
             trial: Any) -> None:
    """Synthetic trainable: "accuracy" rises with the learning rate (no training)."""
    for validation in (1, 2):
        time.sleep(0.02)
        report({"accuracy": min(1.0, hp.lr * 1000) * validation / 2})


@pytest.fixture(scope="module")
def ray_local() -> Iterator[None]:
    import ray

    # HOME and RAY_TMPDIR are per session (conftest.py); trial processes import this module
    tests_dir = str(Path(__file__).resolve().parent)
    ray.init(_node_ip_address="127.0.0.1", include_dashboard=False, num_cpus=2,
             log_to_driver=False, runtime_env={"env_vars": {"PYTHONPATH": tests_dir,
                                                            "OMP_NUM_THREADS": "1"}})
    try:
        yield
    finally:
        ray.shutdown()


def test_llm_search_under_ray_tune_runs_the_scripted_proposals(ray_local: None,
                                                               tmp_path: Path) -> None:
    round_1 = [cfg(lr=2e-4), cfg(lr=1e-3)]
    round_2 = [cfg(lr=5e-4, iters=150), cfg(lr=8e-4, iters=250)]
    model = ScriptedChatModel([answer(*round_1), answer(*round_2)])
    result = run_hpo(lr_train, SPACE, "llm", num_trials=4, max_concurrent=2,
                     metric="accuracy", storage_path=tmp_path, name="llm",
                     searcher_options={"advisor": LLMAdvisor(model), "round_size": 2,
                                       "dataset": "fashion-footwear",
                                       "model": "shufflenet-v2"})
    configs = [t.config for t in result.trials]
    assert sorted(configs[:2], key=config_key) == sorted(map(clipped, round_1), key=config_key)
    assert sorted(configs[2:], key=config_key) == sorted(map(clipped, round_2), key=config_key)
    assert [t.status for t in result.trials] == ["completed"] * 4
    assert result.best is not None and result.best.best_metric == pytest.approx(1.0)
    assert len(model.calls) == 2
    assert "Results (accuracy):" in model.calls[1]["messages"][-1]["content"]
    assert result.searcher_info["advisor"] == "llm:scripted"
    assert result.searcher_info["fallbacks"] == []

"""LLM backends: constrained decoding, LoRA fine-tuning (resumable), RU answer format, the
llm/http/ensemble parser backends and their fallback to rules.

Most tests use a random tiny Llama with SmolLM2's real tokenizer (tests/llmfixtures.py):
they check mechanics, not parse quality. The HTTP tests talk to a real HTTP server on
127.0.0.1 (a small OpenAI-compatible stand-in written for the test, not a real LLM server).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import jsonschema
import pytest

from autommlab.errors import LLMError
from autommlab.lamp.dataset import read_lamp_jsonl as load_lamp
from autommlab.lamp.scoring import score_keys
from autommlab.llm.base import ChatExample
from autommlab.llm.config import LLMConfig
from autommlab.llm.decoding import _lookup, constrained_greedy
from autommlab.llm.local import LocalChatModel, resolve_adapter
from autommlab.llm.ru_prompt import (
    ANSWER_SCHEMA,
    answer_from_parse,
    answer_schema,
    parse_from_answer,
    ru_example,
    ru_messages,
)
from autommlab.llm.sft import IGNORE_INDEX, SFTConfig, encode_example, train_lora
from autommlab.understand import get_parser
from autommlab.understand.llm_backend import EnsembleParser, HTTPParser, LLMParser, combine
from llmfixtures import ScriptedChatModel, smol_tokenizer, tiny_llama  # noqa: F401 - fixture

DATA = Path(__file__).parent / "data"
SMALL_SCHEMA = {"type": "object", "additionalProperties": False,
                "required": ["task", "count", "ok"],
                "properties": {"task": {"enum": ["classification", "detection"]},
                               "count": {"type": "integer", "minimum": 0, "maximum": 9},
                               "ok": {"type": "boolean"}}}


# --- configuration -----
def test_config_from_env_and_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOMMLAB_LLM_THREADS", "2")
    monkeypatch.setenv("AUTOMMLAB_LLM_DEVICE", "cuda")
    config = LLMConfig.from_env(adapter="/tmp/x")
    assert (config.threads, config.device, config.adapter) == (2, "cuda", "/tmp/x")
    assert config.resolved_dtype() == "bfloat16"
    assert LLMConfig().resolved_dtype() == "float32"
    monkeypatch.setenv("AUTOMMLAB_LLM_THREADS", "-1")
    with pytest.raises(LLMError, match="threads"):
        LLMConfig.from_env()


def test_missing_adapter_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LLMError, match=r"adapter_config\.json"):
        resolve_adapter(str(tmp_path))
    with pytest.raises(LLMError, match="unknown built-in adapter"):
        resolve_adapter("builtin:nope")
    assert resolve_adapter("none") is None


# --- RU answer format -----
def test_compact_answer_round_trips_every_dev_parse() -> None:
    """The compact answer loses nothing that is scored: for every dev-set parse,
    answer -> full document scores right on all nine keys against the original."""
    items = [i for f in sorted(DATA.glob("lamp_dev*.jsonl")) for i in load_lamp(f)]
    assert len(items) > 1000
    for item in items:
        text = answer_from_parse(item.parse)
        jsonschema.validate(json.loads(text), ANSWER_SCHEMA)
        config = parse_from_answer(text)
        assert all(score_keys(config.to_json_dict(), item.parse).values()), item.id


def test_answers_that_do_not_fit_are_rejected_not_evaluated() -> None:
    with pytest.raises(LLMError, match="not JSON"):
        parse_from_answer("__import__('os').system('true')")
    with pytest.raises(LLMError, match="misses a field"):
        parse_from_answer('{"task": "detection"}')
    good = json.loads(answer_from_parse(load_lamp(DATA / "lamp_dev.jsonl")[0].parse))
    good["speed"] = {"value": -3, "unit": "ms"}
    with pytest.raises(LLMError, match="schema"):
        parse_from_answer(json.dumps(good))


# --- constrained decoding -----
def test_constrained_decoding_of_a_random_model_is_schema_valid(
        smol_tokenizer: Any) -> None:  # noqa: F811
    model = tiny_llama(smol_tokenizer)
    chat = LocalChatModel(LLMConfig(), model=model, tokenizer=smol_tokenizer)
    completion = chat.complete_json([{"role": "user", "content": "hello"}], SMALL_SCHEMA,
                                    max_new_tokens=64)
    jsonschema.validate(json.loads(completion.text), SMALL_SCHEMA)


def test_forced_tokens_are_batched_into_fewer_forward_passes(
        smol_tokenizer: Any) -> None:  # noqa: F811
    model = tiny_llama(smol_tokenizer)
    ids = LocalChatModel(LLMConfig(), model=model,
                         tokenizer=smol_tokenizer).prompt_ids([{"role": "user", "content": "x"}])
    decoded = constrained_greedy(model, smol_tokenizer, ids, SMALL_SCHEMA, 64)
    assert decoded.complete
    # keys, quotes and braces are forced: far fewer passes than tokens
    assert decoded.forward_passes < len(decoded.tokens) / 2


def test_prompt_lookup_drafts_give_the_plain_greedy_answer(
        smol_tokenizer: Any) -> None:  # noqa: F811
    """Drafts only save passes: with them on, the answer is token for token the plain one
    (drafts are checked against the model's own choice, rejected ones cut from the cache)."""
    for seed in range(3):
        model = tiny_llama(smol_tokenizer, seed=seed)
        ids = LocalChatModel(LLMConfig(), model=model, tokenizer=smol_tokenizer).prompt_ids(
            [{"role": "user", "content": "detection classification 7 true false 3 detection"}])
        plain = constrained_greedy(model, smol_tokenizer, ids, SMALL_SCHEMA, 64, draft=False)
        drafted = constrained_greedy(model, smol_tokenizer, ids, SMALL_SCHEMA, 64, draft=True)
        assert drafted.tokens == plain.tokens and drafted.complete == plain.complete


def test_allowed_rows_of_the_output_matrix_give_the_full_logits_answer(
        smol_tokenizer: Any, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """Only the grammar's allowed rows of lm_head are multiplied for a Llama; the answer is
    token for token the one from the model's full logits (also with drafts)."""
    from autommlab.llm import decoding

    request = "Detect forklifts, pallets and workers, like YOLOX-s, 25 FPS, TensorRT."
    schema = answer_schema(request)
    for seed in range(3):
        model = tiny_llama(smol_tokenizer, seed=seed)
        assert decoding._plain_head(model) is not None
        ids = decoding.prompt_ids(smol_tokenizer, [{"role": "user", "content": request}])
        sparse = [constrained_greedy(model, smol_tokenizer, ids, schema, 200, draft=d)
                  for d in (False, True)]
        with monkeypatch.context() as patched:
            patched.setattr(decoding, "PLAIN_HEAD_MODELS", ())
            assert decoding._plain_head(model) is None
            full = constrained_greedy(model, smol_tokenizer, ids, schema, 200)
        assert full.complete
        for decoded in sparse:
            assert decoded.tokens == full.tokens


def test_prompt_cache_reuses_the_shared_prefix_and_keeps_the_answers(
        smol_tokenizer: Any) -> None:  # noqa: F811
    """The chat markup and system message shared by RU prompts are computed once; each
    answer is token for token (and pass for pass) the one decoded from scratch, and the
    judge's scores of the prompt just decoded equal those of a cold model within 1e-3."""
    from autommlab.llm import decoding
    from autommlab.llm.prompt_cache import PromptCache

    model = tiny_llama(smol_tokenizer, seed=2)
    requests = ["Detect forklifts and pallets at 25 FPS on a Jetson.",
                "Segment cracks in concrete, under 5M parameters.",
                "Classify apples as ripe or unripe, accuracy 95%."]
    cache = PromptCache()
    previous: list[int] = []
    for request in requests:
        ids = decoding.prompt_ids(smol_tokenizer, ru_messages(request))
        reused, _ = cache.take(ids)
        assert reused == next((i for i, (a, b) in enumerate(zip(ids, previous, strict=False))
                              if a != b), 0)
        previous = ids
        cold = constrained_greedy(model, smol_tokenizer, ids, answer_schema(request), 200)
        warm = constrained_greedy(model, smol_tokenizer, ids, answer_schema(request), 200,
                                  prompt_cache=cache)
        assert warm.tokens == cold.tokens and warm.forward_passes == cold.forward_passes
    assert reused >= 30  # the system message and chat markup
    answers = ['{"task":"detection"}', '{"task":"segmentation","objects":["crack"]}']
    messages = ru_messages(requests[0])
    warm_chat = LocalChatModel(LLMConfig(), model=model, tokenizer=smol_tokenizer)
    warm_chat.complete_json(messages, answer_schema(requests[0]), max_new_tokens=200)
    assert warm_chat._prompt_cache.take(warm_chat.prompt_ids(messages))[0] > 0
    cold_chat = LocalChatModel(LLMConfig(), model=model, tokenizer=smol_tokenizer)
    assert warm_chat.score_answers(messages, answers) == pytest.approx(
        cold_chat.score_answers(messages, answers), abs=1e-3)


def test_prompt_lookup_drafts_continue_the_words_of_the_prompt(
        smol_tokenizer: Any) -> None:  # noqa: F811
    prompt = "find forklifts and pallets, 30 fps on a jetson"
    answer_so_far = smol_tokenizer.encode('{"objects":["fork', add_special_tokens=False)
    draft = _lookup(smol_tokenizer, prompt, answer_so_far)
    assert smol_tokenizer.decode(draft).startswith("lifts and")
    assert _lookup(smol_tokenizer, prompt, smol_tokenizer.encode('"zebra',
                                                                 add_special_tokens=False)) == []


def test_unfinished_answer_is_an_error_not_a_truncated_parse(
        smol_tokenizer: Any) -> None:  # noqa: F811
    chat = LocalChatModel(LLMConfig(), model=tiny_llama(smol_tokenizer), tokenizer=smol_tokenizer)
    with pytest.raises(LLMError, match="did not finish"):
        chat.complete_json([{"role": "user", "content": "x"}], ANSWER_SCHEMA, max_new_tokens=5)


# --- fine-tuning -----
def _examples() -> list[ChatExample]:
    items = load_lamp(DATA / "lamp_dev.jsonl")[:4]
    return [ru_example(i.request, i.parse) for i in items]


def test_loss_is_on_the_answer_only(
        smol_tokenizer: Any) -> None:  # noqa: F811
    example = _examples()[0]
    ids, labels = encode_example(smol_tokenizer, example)
    answer = [t for t in labels if t != IGNORE_INDEX]
    assert smol_tokenizer.decode(answer[:-1]) == example.answer
    assert answer[-1] == smol_tokenizer.eos_token_id
    assert labels[:len(ids) - len(answer)] == [IGNORE_INDEX] * (len(ids) - len(answer))


def test_lora_fine_tuning_learns_the_answers(
        smol_tokenizer: Any, tmp_path: Path) -> None:  # noqa: F811
    """A random tiny model, LoRA-tuned on two requests, then decodes their exact answers."""
    examples = _examples()[:2]
    config = SFTConfig(output_dir=tmp_path / "ru", max_steps=60, batch_size=2, lr=1e-2,
                       warmup_steps=5, lora_r=16, lora_alpha=32, lora_dropout=0.0,
                       save_every=1000, log_every=10)
    result = train_lora(examples, config, model=tiny_llama(smol_tokenizer),
                        tokenizer=smol_tokenizer)
    assert (result.adapter_dir / "adapter_config.json").is_file()
    assert result.losses[-1][1] < result.losses[0][1] / 5
    training = json.loads((result.adapter_dir / "training.json").read_text())
    assert training["steps"] == 60 and training["examples"] == 2

    from peft import PeftModel

    tuned = PeftModel.from_pretrained(tiny_llama(smol_tokenizer), result.adapter_dir)
    chat = LocalChatModel(LLMConfig(), model=tuned.merge_and_unload(), tokenizer=smol_tokenizer)
    for example in examples:
        answer = chat.complete_json(example.messages, ANSWER_SCHEMA, max_new_tokens=200).text
        assert json.loads(answer) == json.loads(example.answer)


def test_interrupted_fine_tuning_resumes_where_it_stopped(smol_tokenizer: Any,  # noqa: F811
                                                          tmp_path: Path) -> None:
    import torch
    from safetensors.torch import load_file

    examples = _examples()

    def config(name: str) -> SFTConfig:
        return SFTConfig(output_dir=tmp_path / name, max_steps=12, batch_size=2, lr=5e-3,
                         warmup_steps=2, lora_r=4, lora_alpha=8, save_every=5, log_every=2)

    straight = train_lora(examples, config("a"), model=tiny_llama(smol_tokenizer),
                          tokenizer=smol_tokenizer)

    class Interrupted(Exception):
        pass

    def stop_at_8(p: Any) -> None:
        if p.step == 8:
            raise Interrupted

    with pytest.raises(Interrupted):
        train_lora(examples, config("b"), model=tiny_llama(smol_tokenizer),
                   tokenizer=smol_tokenizer, progress=stop_at_8)
    assert (tmp_path / "b" / "checkpoint" / "state.pt").is_file()
    assert not (tmp_path / "b" / "adapter").exists()  # nothing half-finished is published
    resumed = train_lora(examples, config("b"), model=tiny_llama(smol_tokenizer),
                         tokenizer=smol_tokenizer)
    assert resumed.resumed_from == 5 and resumed.steps == 12
    a = load_file(str(straight.adapter_dir / "adapter_model.safetensors"))
    b = load_file(str(resumed.adapter_dir / "adapter_model.safetensors"))
    assert a.keys() == b.keys()
    for key in a:
        assert torch.allclose(a[key], b[key], atol=1e-5), key

    with pytest.raises(Interrupted):
        train_lora(examples, config("c"), model=tiny_llama(smol_tokenizer),
                   tokenizer=smol_tokenizer, progress=stop_at_8)
    with pytest.raises(LLMError, match="other data or settings"):
        train_lora(examples[:3], config("c"), model=tiny_llama(smol_tokenizer),
                   tokenizer=smol_tokenizer)


def test_fine_tuning_can_continue_from_a_trained_adapter(smol_tokenizer: Any,  # noqa: F811
                                                         tmp_path: Path) -> None:
    import torch
    from safetensors.torch import load_file

    examples = _examples()

    def config(name: str, **changes: Any) -> SFTConfig:
        settings = {"max_steps": 6, "batch_size": 2, "lr": 5e-3, "warmup_steps": 1,
                    "lora_r": 4, "lora_alpha": 8, "save_every": 100, "log_every": 1,
                    "lora_dropout": 0.0} | changes
        return SFTConfig(output_dir=tmp_path / name, **settings)

    first = train_lora(examples, config("first"), model=tiny_llama(smol_tokenizer),
                       tokenizer=smol_tokenizer)
    # one step at a vanishing learning rate: the weights are the first adapter's
    again = train_lora(examples, config("again", max_steps=1, lr=1e-12,
                                        init_adapter=first.adapter_dir),
                       model=tiny_llama(smol_tokenizer), tokenizer=smol_tokenizer)
    a = load_file(str(first.adapter_dir / "adapter_model.safetensors"))
    b = load_file(str(again.adapter_dir / "adapter_model.safetensors"))
    assert a.keys() == b.keys()
    for key in a:
        assert torch.allclose(a[key], b[key], atol=1e-6), key
    assert again.losses[0][1] <= first.losses[-1][1] * 1.05  # it starts where the first ended
    with pytest.raises(LLMError, match="LoRA rank 4"):
        train_lora(examples, config("bad", lora_r=8, lora_alpha=16,
                                    init_adapter=first.adapter_dir),
                   model=tiny_llama(smol_tokenizer), tokenizer=smol_tokenizer)


# --- parser backends -----
REQUEST = ("I need a detector for forklifts and pallets, under 10M parameters, "
           "30 fps on a Jetson, TensorRT")


def test_llm_parser_uses_a_valid_answer() -> None:
    truth = get_parser("rules").parse(REQUEST).to_json_dict()
    parser = LLMParser(chat=ScriptedChatModel([answer_from_parse(truth)]))
    result = parser.parse(REQUEST)
    assert result.backend == "llm" and not result.fallback_reason
    assert all(score_keys(result.to_json_dict(), truth).values())


@pytest.mark.parametrize("reply", ["not json at all", '{"task": "detection"}',
                                   LLMError("model missing")])
def test_llm_parser_falls_back_to_rules_and_records_why(reply: Any) -> None:
    parser = LLMParser(chat=ScriptedChatModel([reply]))
    result = parser.parse(REQUEST)
    assert result.fallback_reason
    assert any("rules backend" in w for w in result.warnings)
    assert result.config.model.task == "detection"
    with pytest.raises(LLMError):
        LLMParser(chat=ScriptedChatModel([reply]), fallback=None).parse(REQUEST)


def test_ensemble_takes_each_key_from_the_preferred_backend() -> None:
    rules = get_parser("rules")
    truth = rules.parse(REQUEST).to_json_dict()
    wrong = json.loads(answer_from_parse(truth))
    wrong["task"], wrong["gpu"] = "segmentation", "cpu"
    llm = LLMParser(chat=ScriptedChatModel([json.dumps(wrong)]), fallback=None)
    ensemble = EnsembleParser(llm=llm, rules=rules,
                              preference={"model.task": "rules", "deploy.gpu": "llm"})
    parsed = ensemble.parse(REQUEST).config
    assert parsed.model.task == "detection"  # from rules
    assert parsed.deploy.gpu == "cpu"  # from the LLM
    merged = combine(parsed, rules.parse(REQUEST).config, {})
    assert merged == parsed


class _JudgingChat(ScriptedChatModel):
    """Scripted replies plus scripted answer scores: each answer's log-probability is looked
    up by the task it names (a stand-in for `LocalChatModel.score_answers`)."""

    def __init__(self, reply: str, scores: dict[str, float]) -> None:
        super().__init__([reply])
        self.scores = scores
        self.scored: list[list[str]] = []

    def score_answers(self, messages: Any, answers: list[str]) -> list[float]:
        self.scored.append(list(answers))
        return [self.scores[json.loads(a)["task"]] for a in answers]


@pytest.mark.parametrize(("hybrid_score", "expected"), [(-1.0, "detection"),
                                                        (-5.0, "segmentation")])
def test_ensemble_lets_the_llm_judge_the_rules_value(hybrid_score: float,
                                                     expected: str) -> None:
    """Task threshold -3: the rules' task is taken unless the LLM finds its own answer
    more than e^3 times likelier than the answer with the rules' task."""
    rules = get_parser("rules")
    truth = rules.parse(REQUEST).to_json_dict()
    wrong = json.loads(answer_from_parse(truth))
    wrong["task"] = "segmentation"
    chat = _JudgingChat(json.dumps(wrong), {"segmentation": 0.0, "detection": hybrid_score})
    ensemble = EnsembleParser(llm=LLMParser(chat=chat, fallback=None), rules=rules,
                              preference={"model.task": "llm"},
                              thresholds={"model.task": -3.0})
    result = ensemble.parse(REQUEST)
    assert result.config.model.task == expected
    assert any("disagree on model.task" in w for w in result.warnings)
    # one call: the LLM's own answer and the one with the rules' task, nothing else
    assert len(chat.scored) == 1 and len(chat.scored[0]) == 2


def test_ensemble_does_not_score_when_the_parses_agree() -> None:
    rules = get_parser("rules")
    truth = rules.parse(REQUEST).to_json_dict()
    chat = _JudgingChat(answer_from_parse(truth, REQUEST), {})
    ensemble = EnsembleParser(llm=LLMParser(chat=chat, fallback=None), rules=rules,
                              thresholds={"model.task": -3.0, "data.object": -3.0})
    parsed = ensemble.parse(REQUEST).to_json_dict()
    assert all(score_keys(parsed, truth).values()) and chat.scored == []


def test_answer_scores_are_the_teacher_forced_log_probabilities(
        smol_tokenizer: Any) -> None:  # noqa: F811
    """The batched, cached scoring equals scoring each answer alone with full logits,
    also for answers of different lengths (right padding must not leak)."""
    import torch

    model = tiny_llama(smol_tokenizer, seed=1)
    chat = LocalChatModel(LLMConfig(), model=model, tokenizer=smol_tokenizer)
    messages = [{"role": "user", "content": "Detect forklifts at 25 FPS."}]
    answers = ['{"task":"detection"}', '{"task":"classification","objects":["forklift"]}']
    batched = chat.score_answers(messages, answers)
    prompt = chat.prompt_ids(messages)
    for answer, score in zip(answers, batched, strict=True):
        tokens = [*smol_tokenizer(answer, add_special_tokens=False)["input_ids"],
                  smol_tokenizer.eos_token_id]
        with torch.inference_mode():
            logits = model(input_ids=torch.tensor([prompt + tokens])).logits[0]
        logp = torch.log_softmax(logits.float(), dim=-1)
        alone = sum(float(logp[len(prompt) - 1 + i, t]) for i, t in enumerate(tokens))
        assert score == pytest.approx(alone, abs=1e-3)
    assert batched[0] != pytest.approx(batched[1])


# --- http backend -----
class _CompletionsStandIn(BaseHTTPRequestHandler):
    """A minimal OpenAI-compatible chat-completions server for tests (not a real LLM)."""

    answer = ""
    fail_first = 0
    seen: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append({"path": self.path, "body": body,
                                "auth": self.headers.get("Authorization")})
        if type(self).fail_first > 0:
            type(self).fail_first -= 1
            self.send_response(503)
            self.end_headers()
            return
        reply = json.dumps({"choices": [{"message": {"role": "assistant",
                                                     "content": type(self).answer}}],
                            "usage": {"prompt_tokens": 10, "completion_tokens": 20}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def completions_server() -> Any:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CompletionsStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _CompletionsStandIn.seen = []
    _CompletionsStandIn.fail_first = 0
    yield f"http://127.0.0.1:{server.server_address[1]}", _CompletionsStandIn
    server.shutdown()
    server.server_close()


def test_http_parser_sends_the_schema_and_the_key_from_the_environment(
        completions_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    url, handler = completions_server
    truth = get_parser("rules").parse(REQUEST).to_json_dict()
    handler.answer = answer_from_parse(truth)
    handler.fail_first = 1  # one 503, retried
    monkeypatch.setenv("AUTOMMLAB_LLM_API_KEY", "sk-test")
    result = HTTPParser(base_url=url).parse(REQUEST)
    assert not result.fallback_reason
    assert all(score_keys(result.to_json_dict(), truth).values())
    sent = handler.seen[-1]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == "Bearer sk-test"
    assert sent["body"]["response_format"]["json_schema"]["schema"] == answer_schema(REQUEST)
    assert sent["body"]["messages"][-1]["content"] == REQUEST


def test_http_parser_falls_back_when_the_server_is_gone(completions_server: Any) -> None:
    url, _ = completions_server
    port = int(url.rsplit(":", 1)[1])
    dead = f"http://127.0.0.1:{port + 1 if port < 65535 else port - 1}"
    result = HTTPParser(base_url=dead, timeout_s=2).parse(REQUEST)
    assert "cannot reach" in result.fallback_reason
    assert result.config.model.task == "detection"


def test_http_backend_needs_a_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTOMMLAB_LLM_URL", raising=False)
    with pytest.raises(LLMError, match="AUTOMMLAB_LLM_URL"):
        HTTPParser()
    with pytest.raises(LLMError, match="http://"):
        HTTPParser(base_url="file:///etc/passwd")


# --- HPO advisor on a real (tiny, random) local model -----
def test_hpo_advisor_on_a_local_model_proposes_k_configs_inside_the_space(
        smol_tokenizer: Any) -> None:  # noqa: F811
    """The proposal schema compiles for llguidance and a local model's constrained answer
    becomes k valid, distinct configurations (the model is random: values are arbitrary)."""
    from autommlab.hpo.space import search_space
    from autommlab.llm.advisor import AdvisorContext, LLMAdvisor

    space = search_space("detection", "small")
    chat = LocalChatModel(LLMConfig(), model=tiny_llama(smol_tokenizer, seed=1),
                          tokenizer=smol_tokenizer)
    context = AdvisorContext(space=space, task="detection", metric="bbox_mAP", mode="max",
                             data=None, model=None, rounds=[], dataset_name="footwear-detection",
                             model_name="rtmdet-tiny")
    try:
        configs = LLMAdvisor(chat).propose(context, 2)
    except LLMError as exc:  # a random model may repeat itself; that is the only way out
        assert "new" in str(exc) or "duplicate" in str(exc), exc
        return
    assert 1 <= len(configs) <= 2
    for config in configs:
        clipped = space.clip(config).model_dump()
        assert {k: clipped[k] for k in config} == config  # already inside the space

"""The Ray Serve LLM endpoint (`autommlab_serve.llm_app`) and the clients that use it.

Fast tests run the endpoint's FastAPI app without Ray, in uvicorn on 127.0.0.1 in a thread
(httpx, which FastAPI's TestClient needs, is not installed), and talk to it with the real
client (`HTTPChatModel`) or plain urllib. Models are a random tiny Llama with SmolLM2's
tokenizer saved as a model directory (tests/llmfixtures.py): they check the protocol, not
answer quality. `test_real_ray_serve_*` starts a local Ray and Serve on 127.0.0.1 and serves
that tiny model and the shipped RU model (SmolLM2-135M + builtin:ru) side by side.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

pytest.importorskip("ray.serve", reason="the hpo extra (ray[serve]) is not installed")
pytest.importorskip("uvicorn", reason="uvicorn comes with ray[serve]")

import uvicorn
from ray.serve import Application
from typer.testing import CliRunner

from autommlab.cli.app import app as cli_app
from autommlab.errors import LLMError
from autommlab.llm import advisor as advisor_module
from autommlab.llm.advisor import LLMAdvisor
from autommlab.llm.config import LLMConfig
from autommlab.llm.http import HTTPChatModel
from autommlab.llm.ru_prompt import ANSWER_SCHEMA, ru_messages
from autommlab.understand import get_parser
from autommlab_serve import llm_app
from llmfixtures import ScriptedChatModel, smol_tokenizer, tiny_llama  # noqa: F401 - fixture

TINY = "tiny"
BROKEN = "broken"  # a served name whose model directory does not exist
SCHEMA = {"type": "object", "additionalProperties": False,
          "required": ["task", "count", "ok"],
          "properties": {"task": {"enum": ["classification", "detection"]},
                         "count": {"type": "integer", "minimum": 0, "maximum": 9},
                         "ok": {"type": "boolean"}}}
MESSAGES = [{"role": "system", "content": "Answer in JSON."},
            {"role": "user", "content": "Find the forklifts."}]
REQUEST = "I need a detector for forklifts and pallets under 10M parameters, TensorRT on GPU"


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory,
             smol_tokenizer: Any) -> Path:  # noqa: F811
    """A model directory: the random tiny Llama and SmolLM2's tokenizer."""
    path = tmp_path_factory.mktemp("tiny-llama")
    tiny_llama(smol_tokenizer).save_pretrained(path)
    smol_tokenizer.save_pretrained(path)
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Uvicorn:
    """The endpoint's FastAPI app in uvicorn on 127.0.0.1, in a thread of this process."""

    def __init__(self, service: llm_app.LLMService) -> None:
        self.service = service
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(llm_app.create_app(service), log_level="warning",
                                lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run,
                                       kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> _Uvicorn:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive(), "no uvicorn"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture(scope="module")
def endpoint(tiny_dir: Path) -> Iterator[_Uvicorn]:
    configs = llm_app.resolve_models({TINY: {"model": str(tiny_dir), "adapter": "none"},
                                      BROKEN: {"model": str(tiny_dir / "gone")}},
                                     threads=1)
    with _Uvicorn(llm_app.LLMService(configs)) as server:
        yield server


def _call(url: str, path: str, body: dict[str, Any] | None = None,
          timeout: float = 60) -> tuple[int, dict[str, Any]]:
    """(status, JSON reply) of a GET (no body) or POST."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _body(**changes: Any) -> dict[str, Any]:
    body = {"model": TINY, "messages": MESSAGES, "temperature": 0, "max_tokens": 40,
            "response_format": {"type": "json_schema",
                                "json_schema": {"name": "answer", "schema": SCHEMA,
                                                "strict": True}}}
    return {k: v for k, v in (body | changes).items() if v is not None}


# --- the FastAPI app, without Ray --------------------------------------------------------------
@pytest.mark.timeout(120)
def test_the_real_client_gets_schema_valid_json_from_the_endpoint(endpoint: _Uvicorn) -> None:
    chat = HTTPChatModel(endpoint.url, model=TINY)
    completion = chat.complete_json(MESSAGES, SCHEMA, max_new_tokens=40)
    jsonschema.validate(json.loads(completion.text), SCHEMA)
    assert completion.prompt_tokens > 0 and completion.completion_tokens > 0
    again = chat.complete_json(MESSAGES, SCHEMA, max_new_tokens=40)
    assert again.text == completion.text  # greedy: the same request, the same answer
    status, reply = _call(endpoint.url, "/v1/chat/completions", _body(temperature=0.9))
    assert status == 200
    assert reply["object"] == "chat.completion" and reply["model"] == TINY
    assert reply["id"].startswith("chatcmpl-") and isinstance(reply["created"], int)
    choice = reply["choices"][0]
    assert choice["finish_reason"] == "stop" and choice["message"]["role"] == "assistant"
    assert choice["message"]["content"] == completion.text  # temperature does not matter
    usage = reply["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


@pytest.mark.timeout(60)
def test_requests_the_endpoint_refuses(endpoint: _Uvicorn) -> None:
    status, reply = _call(endpoint.url, "/v1/chat/completions", _body(response_format=None))
    assert status == 400 and "schema-constrained JSON only" in reply["error"]["message"]
    status, reply = _call(endpoint.url, "/v1/chat/completions",
                          _body(response_format={"type": "text"}))
    assert status == 400 and reply["error"]["param"] == "response_format"
    status, reply = _call(endpoint.url, "/v1/chat/completions", _body(model="gpt-4"))
    assert status == 404 and reply["error"]["code"] == "model_not_found"
    assert "'gpt-4'" in reply["error"]["message"] and TINY in reply["error"]["message"]
    status, reply = _call(endpoint.url, "/v1/chat/completions", _body(messages=[]))
    assert status == 400 and "messages" in reply["error"]["message"]
    status, reply = _call(endpoint.url, "/v1/chat/completions", _body(stream=True))
    assert status == 400 and "streaming" in reply["error"]["message"]
    # the client turns a refusal into an LLMError that carries the server's message
    with pytest.raises(LLMError, match=r"HTTP 404.*not served here"):
        HTTPChatModel(endpoint.url, model="autommlab-ru").complete_json(MESSAGES, SCHEMA)


@pytest.mark.timeout(60)
def test_an_answer_that_cannot_finish_is_422_with_the_models_message(
        endpoint: _Uvicorn) -> None:
    status, reply = _call(endpoint.url, "/v1/chat/completions", _body(max_tokens=2))
    assert status == 422 and "did not finish within 2 tokens" in reply["error"]["message"]
    with pytest.raises(LLMError, match="HTTP 422"):
        HTTPChatModel(endpoint.url, model=TINY).complete_json(MESSAGES, SCHEMA,
                                                              max_new_tokens=2)


@pytest.mark.timeout(60)
def test_a_model_that_cannot_load_is_a_server_error_with_the_reason(
        endpoint: _Uvicorn) -> None:
    status, reply = _call(endpoint.url, "/v1/chat/completions", _body(model=BROKEN))
    assert status == 500 and reply["error"]["code"] == "model_unavailable"
    assert "does not exist" in reply["error"]["message"]
    with pytest.raises(LLMError, match=r"HTTP 500.*does not exist"):  # retried once, then this
        HTTPChatModel(endpoint.url, model=BROKEN, retries=1).complete_json(MESSAGES, SCHEMA)


@pytest.mark.timeout(60)
def test_models_list_and_health(endpoint: _Uvicorn, tiny_dir: Path) -> None:
    status, reply = _call(endpoint.url, "/v1/models")
    assert status == 200 and reply["object"] == "list"
    assert [m["id"] for m in reply["data"]] == [TINY, BROKEN]
    assert reply["data"][0]["object"] == "model"
    assert reply["data"][0]["base_model"] == str(tiny_dir)
    assert _call(endpoint.url, "/healthz") == (200, {"status": "ok"})


@pytest.mark.timeout(60)
def test_decoding_runs_off_the_event_loop_and_models_load_once() -> None:
    """While one request is decoding (a gated scripted model), /healthz still answers; each
    served name is loaded on its first request only."""
    gate = threading.Event()
    loaded: list[str] = []

    def loader(config: LLMConfig) -> ScriptedChatModel:
        loaded.append(config.adapter)
        return ScriptedChatModel(['{"task": "detection", "count": 1, "ok": true}'] * 3,
                                 gate=gate)

    configs = {"a": LLMConfig(adapter="none"), "b": LLMConfig(adapter="none")}
    with _Uvicorn(llm_app.LLMService(configs, loader=loader)) as server:
        results: list[tuple[int, dict[str, Any]]] = []
        worker = threading.Thread(target=lambda: results.append(
            _call(server.url, "/v1/chat/completions", _body(model="a"))))
        worker.start()
        deadline = time.monotonic() + 10
        while not loaded:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert _call(server.url, "/healthz", timeout=5) == (200, {"status": "ok"})
        assert worker.is_alive()  # still decoding
        models = _call(server.url, "/v1/models", timeout=5)[1]["data"]
        assert [m["loaded"] for m in models] == [True, False]
        gate.set()
        worker.join(timeout=10)
        assert results[0][0] == 200
        assert _call(server.url, "/v1/chat/completions", _body(model="a"))[0] == 200
        assert loaded == ["none"]  # loaded once, on first use; "b" never asked for


def test_build_app_arguments_and_default_served_names(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOMMLAB_LLM_THREADS", "2")
    monkeypatch.delenv("AUTOMMLAB_LLM_RU_ADAPTER", raising=False)
    monkeypatch.delenv("AUTOMMLAB_LLM_HPO_ADAPTER", raising=False)
    configs = llm_app.resolve_models(device="cpu")
    assert {n: c.adapter for n, c in configs.items()} == {
        "autommlab-ru": "builtin:ru", "autommlab-hpo": "builtin:hpo"}
    assert all(c.threads == 2 for c in configs.values())  # from the environment
    args = llm_app.AppArgs(threads=3, models={"x": {"adapter": "none", "threads": 1}})
    assert args.configs()["x"].threads == 1  # a served name's own field wins
    app = llm_app.build_app({"threads": 1, "num_replicas": 2, "num_cpus": 0.5})
    assert isinstance(app, Application)
    assert isinstance(llm_app.app, Application)  # for `serve build autommlab_serve.llm_app:app`
    with pytest.raises(ValueError, match="num_replica"):
        llm_app.build_app({"num_replica": 2})  # a typo is an error, not a silent default
    with pytest.raises(LLMError, match="no_such_adapter"):
        llm_app.build_app({"models": {"x": {"adapter": "/no_such_adapter"}}})


def test_start_local_refuses_a_busy_port_before_starting_ray() -> None:
    import ray

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(LLMError, match=f"cannot serve on 127.0.0.1:{port}"):
            llm_app.start_local({"models": {TINY: {"adapter": "none"}}}, port=port)
        result = CliRunner().invoke(cli_app, ["llm", "serve", "--port", str(port)])
    assert isinstance(result.exception, LLMError)
    assert not ray.is_initialized()


def test_the_serve_command_has_help_and_the_cli_does_not_import_ray() -> None:
    result = CliRunner().invoke(cli_app, ["llm", "serve", "--help"])
    assert result.exit_code == 0 and "--port" in result.output and "--threads" in result.output
    code = ("import sys, autommlab.cli.app; "
            "assert not any(m == 'ray' or m.startswith(('ray.', 'autommlab_serve')) "
            "for m in sys.modules), 'imported at start-up'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


# --- the HPO advisor's switch to the endpoint --------------------------------------------------
def test_default_advisor_asks_the_hpo_endpoint_when_its_url_is_set(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOMMLAB_LLM_HPO_URL", "http://127.0.0.1:8000")
    advisor = advisor_module.default_advisor()
    assert isinstance(advisor, LLMAdvisor) and isinstance(advisor.chat, HTTPChatModel)
    assert advisor.chat.model == "autommlab-hpo"
    assert advisor.chat.endpoint == "http://127.0.0.1:8000/v1/chat/completions"
    monkeypatch.setenv("AUTOMMLAB_LLM_HPO_URL", "ftp://somewhere")
    with pytest.raises(LLMError, match="http://"):
        advisor_module.default_advisor()


# --- real Ray Serve ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ray_serve_url(tiny_dir: Path) -> Iterator[str]:
    """A local Ray (127.0.0.1, 1 CPU) with Serve's proxy on 127.0.0.1 serving the tiny model
    and the shipped RU model. HOME and RAY_TMPDIR are the session's (conftest.py)."""
    port = _free_port()
    args = {"models": {TINY: {"model": str(tiny_dir), "adapter": "none"},
                       "autommlab-ru": {"adapter": "builtin:ru"}},
            "threads": 1, "num_cpus": 1}
    try:
        yield llm_app.start_local(args, port=port, num_cpus=1)
    finally:
        llm_app.stop_local()


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_real_ray_serve_parses_through_the_http_backend(ray_serve_url: str) -> None:
    status, reply = _call(ray_serve_url, "/v1/models")
    assert status == 200 and {m["id"] for m in reply["data"]} == {TINY, "autommlab-ru"}
    assert _call(ray_serve_url, "/healthz") == (200, {"status": "ok"})
    # the tiny random model: the answer is schema-valid because decoding is constrained
    chat = HTTPChatModel(ray_serve_url, model=TINY, timeout_s=120)
    completion = chat.complete_json(ru_messages(REQUEST), ANSWER_SCHEMA, max_new_tokens=320)
    jsonschema.validate(json.loads(completion.text), ANSWER_SCHEMA)
    result = get_parser("http", chat=chat, fallback=None).parse(REQUEST)
    assert not result.fallback_reason  # the tiny model's own (nonsense) answer, validated
    status, reply = _call(ray_serve_url, "/v1/chat/completions", _body(response_format=None))
    assert status == 400


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_real_ray_serve_ru_model_parses_as_the_local_backend(ray_serve_url: str) -> None:
    """The shipped RU model through Serve gives the parse the local backend gives."""
    local = get_parser("llm", fallback=None, threads=1).parse(REQUEST)  # converts the GGUF once
    served = get_parser("http", chat=HTTPChatModel(ray_serve_url, model="autommlab-ru",
                                                   timeout_s=300),
                        fallback=None).parse(REQUEST)
    assert not served.fallback_reason
    assert served.to_json_dict() == local.to_json_dict()
    assert served.config.model.task == "detection"

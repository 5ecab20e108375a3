"""Ray Serve endpoint for RU-LLaMA and HPO-LLaMA: the OpenAI chat-completions subset we use.

One FastAPI ingress deployment serves several *served names*, each an `LLMConfig` (base
model + LoRA adapter + device). By default `autommlab-ru` (adapter `builtin:ru`, or
AUTOMMLAB_LLM_RU_ADAPTER) and `autommlab-hpo` (adapter `builtin:hpo`, or
AUTOMMLAB_LLM_HPO_ADAPTER) on the base model, device and threads of the AUTOMMLAB_LLM_*
variables. The client is `autommlab.llm.http.HTTPChatModel`.

- `POST /v1/chat/completions`: `{model, messages: [{role, content}], max_tokens,
  temperature, response_format: {"type": "json_schema", "json_schema": {"schema": ...}}}`.
  Only schema-constrained JSON is answered (never free generation): without a
  `json_schema` response format the answer is HTTP 400. Decoding is always greedy;
  `temperature` is accepted and ignored, so a request always gets the same answer.
  An unknown `model` is 404 (the message lists the served names), an answer the model cannot
  finish within `max_tokens` (or a schema that cannot be compiled) is 422, a malformed body
  is 400, a model that cannot be loaded is 500 (tried again on the next request). Errors
  have OpenAI's shape `{"error": {"message", "type", "param", "code"}}`.
- `GET /v1/models`: the served names (OpenAI list format). `GET /healthz`: liveness.

Each served name's model is loaded on its first request and kept (`LocalChatModel`, which
also shares weights between equal configurations); a load blocks only the requests for that
name. Loading and decoding are CPU-bound and blocking, so they run in a worker thread and the
replica's event loop keeps answering (/healthz, other names). One decode at a time per
served name.
There is no authentication: bind to 127.0.0.1 (the default here) or put a gateway in front.

Entry points: `build_app(args)` for `serve run autommlab_serve.llm_app:build_app` and a
RayService's `serveConfigV2` (`import_path: autommlab_serve.llm_app:build_app`, `args:
{models: {...}, num_replicas: 1, num_cpus: 1}`); `start_local()` / `stop_local()` for a
local Ray bound to 127.0.0.1 (the `autommlab llm serve` command); `create_app(service)` is
the plain FastAPI app (tests run it without Ray).
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from ray import serve
from ray.serve import Application

from autommlab.errors import AutommlabError, LLMError
from autommlab.llm.base import ChatModel
from autommlab.llm.config import LLMConfig
from autommlab.llm.local import LocalChatModel, resolve_adapter

APP_NAME = "autommlab-llm"
RU_NAME = "autommlab-ru"
HPO_NAME = "autommlab-hpo"
#: (served name, environment variable naming its adapter, default adapter); the same
#: variables the local parser backend and the local HPO advisor read.
DEFAULT_MODELS = ((RU_NAME, "AUTOMMLAB_LLM_RU_ADAPTER", "builtin:ru"),
                  (HPO_NAME, "AUTOMMLAB_LLM_HPO_ADAPTER", "builtin:hpo"))
#: LLMConfig fields that `build_app` args may set for every served name at once.
SHARED_FIELDS = ("model", "device", "dtype", "threads", "max_new_tokens", "draft")


# --- configuration ---------------------------------------------------------------------------
def resolve_models(models: Mapping[str, Mapping[str, Any]] | None = None,
                   **shared: Any) -> dict[str, LLMConfig]:
    """Served name -> LLMConfig: AUTOMMLAB_LLM_* variables, then `shared` (non-None), then the
    name's own fields. Without `models`, autommlab-ru and autommlab-hpo. Adapters are
    checked here (a missing one fails at start-up, not on the first request)."""
    if models is None:
        models = {name: {"adapter": os.environ.get(env) or default}
                  for name, env, default in DEFAULT_MODELS}
    if not models:
        raise LLMError("no models to serve: give at least one served name")
    configs = {}
    for name, fields in models.items():
        configs[name] = LLMConfig.from_env(**{**shared, **fields})
        resolve_adapter(configs[name].adapter)
    return configs


class AppArgs(BaseModel):
    """`build_app` arguments (a RayService's `serveConfigV2` `args`)."""

    model_config = ConfigDict(extra="forbid")

    #: served name -> LLMConfig fields (default: autommlab-ru and autommlab-hpo)
    models: dict[str, dict[str, Any]] | None = None
    model: str | None = None  # base model of every served name (else AUTOMMLAB_LLM_MODEL)
    device: str | None = None
    dtype: str | None = None
    threads: int | None = None
    max_new_tokens: int | None = None
    draft: bool | None = None
    num_replicas: int = Field(default=1, ge=1)
    num_cpus: float = Field(default=1.0, ge=0)  # per replica
    num_gpus: float = Field(default=0.0, ge=0)  # per replica

    def configs(self) -> dict[str, LLMConfig]:
        return resolve_models(self.models, **{f: getattr(self, f) for f in SHARED_FIELDS})


# --- requests and the service ----------------------------------------------------------------
class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "user", "assistant"]
    content: str


class JSONSchemaSpec(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    name: str = "answer"
    json_schema: dict[str, Any] = Field(alias="schema")  # "schema" shadows a BaseModel method
    strict: bool | None = None


class ResponseFormat(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: str
    json_schema: JSONSchemaSpec | None = None


class ChatCompletionRequest(BaseModel):
    """The request body; fields OpenAI clients add that we do not use are ignored."""

    model_config = ConfigDict(extra="ignore")

    model: str
    messages: list[ChatMessage] = Field(min_length=1)
    max_tokens: int | None = Field(default=None, ge=1, le=8192)
    temperature: float | None = Field(default=None, ge=0, le=2)  # accepted; decoding is greedy
    response_format: ResponseFormat | None = None
    stream: bool = False


class HTTPFailure(Exception):
    """An error reply: HTTP status, message, OpenAI error type, param, code."""

    def __init__(self, status: int, message: str, *, kind: str = "invalid_request_error",
                 param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.kind, self.param, self.code = (status, message, kind,
                                                                      param, code)

    def response(self) -> JSONResponse:
        return JSONResponse(status_code=self.status, content={"error": {
            "message": self.message, "type": self.kind, "param": self.param,
            "code": self.code}})


class LLMService:
    """Served name -> chat model, loaded on first use and kept. Blocking methods: call them
    from a worker thread."""

    def __init__(self, configs: Mapping[str, LLMConfig],
                 loader: Callable[[LLMConfig], ChatModel] = LocalChatModel) -> None:
        self.configs = dict(configs)
        self.loader = loader
        self.started = int(time.time())
        self._chats: dict[str, ChatModel] = {}
        self._locks = {name: threading.Lock() for name in self.configs}

    def check_name(self, name: str) -> None:
        if name not in self.configs:
            raise HTTPFailure(404, f"model {name!r} is not served here; served models: "
                                   f"{', '.join(self.configs)}", param="model",
                              code="model_not_found")

    def is_loaded(self, name: str) -> bool:
        return name in self._chats

    def chat(self, name: str) -> ChatModel:
        """The model of `name`, loading it on first use (other names are not blocked)."""
        with self._locks[name]:
            if name not in self._chats:
                self._chats[name] = self.loader(self.configs[name])
            return self._chats[name]

    def complete(self, request: ChatCompletionRequest) -> dict[str, Any]:
        """Answer a checked request with an OpenAI chat.completion (blocking)."""
        schema = request.response_format.json_schema.json_schema  # type: ignore[union-attr]
        messages = [m.model_dump() for m in request.messages]
        try:
            chat = self.chat(request.model)
        except AutommlabError as exc:  # a model that cannot be loaded: the server's fault
            raise HTTPFailure(500, f"model {request.model!r} cannot be loaded: {exc}",
                              kind="server_error", code="model_unavailable") from exc
        try:
            completion = chat.complete_json(messages, schema,
                                            max_new_tokens=request.max_tokens)
        except LLMError as exc:  # no answer within max_tokens, a schema with no grammar
            raise HTTPFailure(422, str(exc), code="unusable_answer") from exc
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion",
            "created": int(time.time()), "model": request.model,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": completion.text}}],
            "usage": {"prompt_tokens": completion.prompt_tokens,
                      "completion_tokens": completion.completion_tokens,
                      "total_tokens": completion.prompt_tokens + completion.completion_tokens},
        }


def check_request(request: ChatCompletionRequest) -> None:
    """What this endpoint refuses before touching a model (HTTPFailure)."""
    spec = request.response_format
    if spec is None or spec.type != "json_schema" or spec.json_schema is None:
        raise HTTPFailure(400, "this endpoint answers schema-constrained JSON only: send "
                               "response_format {\"type\": \"json_schema\", \"json_schema\": "
                               "{\"name\": ..., \"schema\": {...}}} (free generation is not "
                               "served)", param="response_format")
    if request.stream:
        raise HTTPFailure(400, "streaming is not supported: send stream false", param="stream")


def create_app(service: LLMService) -> FastAPI:
    """The FastAPI app of `service` (the Serve deployment's ingress; usable without Ray)."""
    app = FastAPI(title="autommlab LLM endpoint", docs_url=None, redoc_url=None)

    @app.exception_handler(HTTPFailure)
    async def failure(_: Request, exc: HTTPFailure) -> JSONResponse:
        return exc.response()

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or 'body'}: {e['msg']}"
                             for e in exc.errors())
        return HTTPFailure(400, f"invalid request: {problems}").response()

    @app.post("/v1/chat/completions")
    async def chat_completions(request: ChatCompletionRequest) -> dict[str, Any]:
        service.check_name(request.model)
        check_request(request)
        return await asyncio.to_thread(service.complete, request)

    @app.get("/v1/models")
    async def models() -> dict[str, Any]:
        return {"object": "list", "data": [
            {"id": name, "object": "model", "created": service.started,
             "owned_by": "autommlab", "base_model": config.model, "adapter": config.adapter,
             "device": config.device, "loaded": service.is_loaded(name)}
            for name, config in service.configs.items()]}

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


# --- Ray Serve ---------------------------------------------------------------------------------
@serve.deployment(name="LLMEndpoint")
@serve.ingress()
class LLMEndpoint:
    """The Serve deployment: `models` maps served names to LLMConfig fields (as
    `resolve_models` reads them; default autommlab-ru and autommlab-hpo)."""

    def __init__(self, models: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        # Before torch is imported in this replica (see autommlab.cli.app.main).
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        self.service = LLMService(resolve_models(models))

    def __serve_build_asgi_app__(self) -> FastAPI:
        return create_app(self.service)


def build_app(args: Mapping[str, Any] | None = None) -> Application:
    """The Serve application (`serve run autommlab_serve.llm_app:build_app`, RayService).

    `args` are `AppArgs`: `models` (served name -> LLMConfig fields), `model` / `device` /
    `dtype` / `threads` / ... for every served name, `num_replicas`, `num_cpus`, `num_gpus`.
    Configurations are resolved here, so every replica serves the same ones.
    """
    parsed = AppArgs.model_validate(dict(args or {}))
    models = {name: config.model_dump() for name, config in parsed.configs().items()}
    actor = {"num_cpus": parsed.num_cpus, "num_gpus": parsed.num_gpus}
    return LLMEndpoint.options(num_replicas=parsed.num_replicas,
                               ray_actor_options=actor).bind(models)


def __getattr__(name: str) -> Any:
    """`app`: `build_app()` with default arguments, built when first asked for (`serve build
    autommlab_serve.llm_app:app` needs an application object, not a builder)."""
    if name == "app":
        return build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_STARTED_RAY = False


def start_local(args: Mapping[str, Any] | None = None, *, host: str = "127.0.0.1",
                port: int = 8000, num_cpus: int | None = None) -> str:
    """Start a local Ray on 127.0.0.1 (unless one is running), Serve's HTTP proxy on
    host:port, and the app; return the base URL once the app is running."""
    global _STARTED_RAY
    import ray

    application = build_app(args)  # bad arguments fail before Ray starts
    _check_port(host, port)
    if not ray.is_initialized():
        ray.init(_node_ip_address="127.0.0.1", include_dashboard=False, num_cpus=num_cpus,
                 log_to_driver=False)
        _STARTED_RAY = True
    try:
        serve.start(http_options={"host": host, "port": port})
        serve.run(application, name=APP_NAME, route_prefix="/")
    except Exception as exc:  # a replica that cannot start, a proxy that cannot bind
        stop_local()
        last = [line for line in str(exc).splitlines() if line.strip()][-1:] or [repr(exc)]
        raise LLMError(f"the LLM endpoint did not start: {last[0].strip()}") from exc
    return f"http://{host}:{port}"


def _check_port(host: str, port: int) -> None:
    """Fail before starting Ray when host:port cannot be bound (as Serve's proxy binds it)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port,
                                                             type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
    except OSError as exc:
        raise LLMError(f"cannot serve on {host}:{port}: {exc.strerror or exc} (is another "
                       "server there? choose another port)") from exc


def stop_local() -> None:
    """Shut Serve down, and Ray too when `start_local` started it."""
    global _STARTED_RAY
    import ray

    if ray.is_initialized():
        serve.shutdown()
        if _STARTED_RAY:
            ray.shutdown()
    _STARTED_RAY = False


__all__ = ["AppArgs", "LLMEndpoint", "LLMService", "build_app", "create_app",
           "resolve_models", "start_local", "stop_local"]

"""The `http` backend: an OpenAI-compatible chat-completions endpoint.

Any server speaking the OpenAI chat-completions protocol: autommlab's own Ray Serve RU/HPO
endpoint (`autommlab_serve.llm_app`, `autommlab llm serve`; served names `autommlab-ru` and
`autommlab-hpo`), vLLM, llama.cpp's server, a hosted API. The answer is asked for with
`response_format: {"type": "json_schema", ...}`; servers that ignore it are still safe,
because the caller validates what comes back.
Credentials come only from the environment (`AUTOMMLAB_LLM_API_KEY`), never from arguments
that end up in logs.
Standard library only (urllib): one POST does not justify another dependency.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any

from autommlab.errors import LLMError
from autommlab.llm.base import ChatModel, Completion, Message

URL_ENV = "AUTOMMLAB_LLM_URL"
API_KEY_ENV = "AUTOMMLAB_LLM_API_KEY"
MODEL_ENV = "AUTOMMLAB_LLM_SERVED_MODEL"


class HTTPChatModel(ChatModel):
    """POST /v1/chat/completions on `base_url` (e.g. http://127.0.0.1:8000)."""

    def __init__(self, base_url: str | None = None, *, model: str | None = None,
                 timeout_s: float = 60.0, retries: int = 1) -> None:
        url = base_url or os.environ.get(URL_ENV, "")
        if not url:
            raise LLMError(f"the http LLM backend needs a server URL: set {URL_ENV} (e.g. "
                           "http://127.0.0.1:8000) or pass base_url")
        if not url.startswith(("http://", "https://")):
            raise LLMError(f"LLM server URL must start with http:// or https://, got {url!r}")
        self.base_url = url.rstrip("/")
        self.endpoint = (self.base_url if self.base_url.endswith("/chat/completions")
                         else self.base_url.removesuffix("/v1") + "/v1/chat/completions")
        self.model = model or os.environ.get(MODEL_ENV, "autommlab-ru")
        self.timeout_s = timeout_s
        self.retries = retries
        self.description = f"http:{self.base_url}"

    def complete_json(self, messages: Sequence[Message], schema: Mapping[str, Any], *,
                      max_new_tokens: int = 256) -> Completion:
        body = {
            "model": self.model, "messages": [dict(m) for m in messages],
            "temperature": 0, "max_tokens": max_new_tokens,
            "response_format": {"type": "json_schema",
                                "json_schema": {"name": "answer", "schema": dict(schema),
                                                "strict": True}},
        }
        started = time.perf_counter()
        reply = self._post(body)
        try:
            text = reply["choices"][0]["message"]["content"]
            usage = reply.get("usage") or {}
        except (KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"{self.endpoint} sent a reply that is not a chat completion: "
                           f"{str(reply)[:200]}") from exc
        if not isinstance(text, str) or not text.strip():
            raise LLMError(f"{self.endpoint} sent an empty answer")
        return Completion(text=text, prompt_tokens=int(usage.get("prompt_tokens") or 0),
                          completion_tokens=int(usage.get("completion_tokens") or 0),
                          seconds=time.perf_counter() - started, model=self.description)

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        headers = {"Content-Type": "application/json"}
        key = os.environ.get(API_KEY_ENV)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        data = json.dumps(body).encode()
        last: Exception | str | None = None
        for attempt in range(self.retries + 1):
            request = urllib.request.Request(self.endpoint, data=data, headers=headers,  # noqa: S310 - scheme checked in __init__
                                             method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310
                    return json.loads(response.read().decode("utf-8"))
            except urllib.error.HTTPError as exc:
                detail = exc.read().decode("utf-8", "replace")[:300]
                if exc.code < 500:  # a client error will not go away by retrying
                    raise LLMError(f"{self.endpoint} answered HTTP {exc.code}: {detail}") from exc
                last = f"HTTP {exc.code}: {detail}"  # the server's message, not just the code
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                last = exc
            except json.JSONDecodeError as exc:
                raise LLMError(f"{self.endpoint} sent a reply that is not JSON") from exc
            if attempt < self.retries:
                time.sleep(0.5 * (attempt + 1))
        raise LLMError(f"cannot reach the LLM server {self.endpoint}: {last}")

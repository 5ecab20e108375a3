"""RU-LLaMA through the Ray Serve endpoint vs in-process: start-up, first request, warm latency.

    OMP_NUM_THREADS=1 python benchmarks/serve_llm.py [--n 10] [--threads 1]

Starts a local Ray on 127.0.0.1 and Serve with the RU model (`autommlab_serve.llm_app.
start_local`, the code of `autommlab llm serve`) and times: `ray.init`, Serve's start until
the app is running, the first parse through the `http` backend (the replica loads SmolLM2 +
builtin:ru) and in this process with the `llm` backend (model load + parse), then `--n`
lamp_test requests parsed by both, alternating, one request at a time, with the same thread
count; the parses must be equal. A GET /healthz round trip (proxy -> replica -> back) is
the plumbing alone. Also lists the TCP ports the Ray processes started here listen on, with
their addresses. Prints and writes benchmarks/results/serve-llm.json.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listeners() -> list[str]:
    """'address:port (process)' of every TCP listener of this process's descendants."""
    import psutil

    found = set()
    for proc in psutil.Process().children(recursive=True):
        try:
            for conn in proc.net_connections(kind="tcp"):
                if conn.status == psutil.CONN_LISTEN:
                    found.add(f"{conn.laddr.ip}:{conn.laddr.port} ({proc.name()})")
        except psutil.Error:
            continue
    return sorted(found)


def _round_trips(url: str, n: int = 20) -> float:
    """Median seconds of GET url (through Serve's proxy to the replica: the plumbing alone)."""
    import urllib.request

    seconds = []
    for _ in range(n):
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our own URL
            response.read()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def _timed(parse: Any, texts: list[str]) -> tuple[list[float], list[dict[str, Any]]]:
    seconds, parses = [], []
    for text in texts:
        started = time.perf_counter()
        result = parse(text)
        seconds.append(time.perf_counter() - started)
        assert not result.fallback_reason, result.fallback_reason
        parses.append(result.to_json_dict())
    return seconds, parses


def _summary(seconds: list[float]) -> str:
    return (f"p50 {statistics.median(seconds):.2f} s, mean {statistics.mean(seconds):.2f} s, "
            f"min {min(seconds):.2f} s, max {max(seconds):.2f} s (n={len(seconds)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10, help="warm requests per side")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/serve-llm.json")
    args = parser.parse_args()

    import ray

    from autommlab.lamp.dataset import read_lamp_jsonl
    from autommlab.llm.http import HTTPChatModel
    from autommlab.understand import get_parser
    from autommlab_serve.llm_app import start_local, stop_local

    items = read_lamp_jsonl(ROOT / "tests/data/lamp_test.jsonl")
    first = "I need a detector for forklifts and pallets under 10M parameters, TensorRT on GPU"
    texts = [item.request for item in items[:args.n]]
    load_start = os.getloadavg()[0]
    print(f"{os.cpu_count()} CPUs, load average {load_start:.2f}, threads {args.threads}",
          flush=True)

    started = time.perf_counter()
    ray.init(_node_ip_address="127.0.0.1", include_dashboard=False, log_to_driver=False)
    ray_s = time.perf_counter() - started
    try:
        started = time.perf_counter()
        url = start_local({"models": {"autommlab-ru": {"adapter": "builtin:ru"}},
                           "threads": args.threads}, port=_free_port())
        serve_s = time.perf_counter() - started
        listeners = _listeners()
        healthz_s = _round_trips(url + "/healthz")
        http = get_parser("http", fallback=None,
                          chat=HTTPChatModel(url, model="autommlab-ru", timeout_s=300))
        (first_served,), _ = _timed(http.parse, [first])  # the replica loads the model

        started = time.perf_counter()
        local = get_parser("llm", fallback=None, threads=args.threads)  # loads the model
        load_local = time.perf_counter() - started
        (first_local,), _ = _timed(local.parse, [first])
        # Alternate the two (and which goes first) so that load from other jobs on the
        # machine falls on both alike; one request at a time.
        served: list[float] = []
        inproc: list[float] = []
        same = True
        for i, text in enumerate(texts):
            order = [(http, served), (local, inproc)][:: 1 if i % 2 == 0 else -1]
            answers = {}
            for backend, times in order:
                (seconds,), (parse,) = _timed(backend.parse, [text])
                times.append(seconds)
                answers[backend.name] = parse
            same = same and answers["http"] == answers["llm"]
    finally:
        stop_local()
        ray.shutdown()

    report = {
        "date": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(),
        "threads": args.threads, "load_average_start": round(load_start, 2),
        "ray_init_s": round(ray_s, 2),
        "serve_start_and_app_running_s": round(serve_s, 2),
        "first_request_s": {"serve": round(first_served, 2),
                            "in_process": round(load_local + first_local, 2),
                            "in_process_load_only": round(load_local, 2)},
        "warm": {"serve": _summary(served), "in_process": _summary(inproc)},
        "healthz_round_trip_p50_ms": round(healthz_s * 1000, 1),
        "overhead_p50_s": round(statistics.median(served) - statistics.median(inproc), 3),
        "overhead_mean_s": round(statistics.mean(served) - statistics.mean(inproc), 3),
        "same_parses": same,
        "listeners": listeners,
        "load_average_end": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(report, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()

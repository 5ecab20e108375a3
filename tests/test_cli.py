"""The CLI as users and scripts call it."""

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from autommlab.cli.app import app

runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, list(args), input=input)


@pytest.mark.parametrize("cmd", [[], ["parse"], ["select"], ["lamp"], ["lamp", "ru"],
                                 ["lamp", "speed"], ["zoo"], ["zoo", "list"], ["zoo", "build"],
                                 ["zoo", "measure"]])
def test_every_command_has_help(cmd):
    result = run(*cmd, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_parse_prints_schema_json():
    result = run("parse", "detect forklifts and pallets, 30 fps on a Jetson")
    assert result.exit_code == 0, result.output
    parsed = json.loads(result.stdout)
    assert parsed["model"]["task"] == "detection"
    assert parsed["data"]["object"] == ["forklift", "pallet"]
    assert parsed["deploy"]["gpu"] == "gpu"


def test_parse_jsonl_keeps_order_and_survives_bad_lines(tmp_path):
    lines = [json.dumps({"id": 1, "request": "classify cats and dogs"}),
             "{not json",
             json.dumps({"id": "x", "no_request": True}),
             json.dumps({"id": 3, "request": ""}),
             json.dumps(["a list"]),
             "",
             json.dumps({"id": 5, "request": "segment roads, mIoU 0.7"})]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n")
    result = run("parse", "--jsonl", str(src))
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in out] == [1, "line-2", "x", 3, "line-5", "line-6", 5]
    assert out[0]["parse"]["data"]["object"] == ["cat", "dog"]
    assert "error" in out[1] and "error" in out[2] and "empty" in out[3]["error"]
    assert out[5]["error"] == "empty line"
    assert out[6]["parse"]["model"]["metrics"] == [{"name": "IoU", "value": 0.7}]


def test_parse_jsonl_from_stdin():
    result = run("parse", "--jsonl", "-", input='{"id": 7, "request": "detect cars"}\n')
    assert json.loads(result.stdout)["id"] == 7


def test_lamp_ru_json_scores(lamp_holdout, tmp_path):
    result = run("lamp", "ru", "--data", "tests/data/lamp_holdout.jsonl", "--json",
                 "--failures", "2")
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["requests"] == len(lamp_holdout)
    assert set(scores["key_level"]) == {"item", "list", "total"}
    assert 0 <= scores["request_level"] <= scores["key_level"]["total"] <= 1
    assert set(scores["per_task"]) == {"classification", "detection", "segmentation", "keypoint"}
    assert len(scores["failures"]) <= 2


def test_lamp_speed_reports_throughput():
    result = run("lamp", "speed", "--data", "tests/data/lamp_dev.jsonl", "--n", "50", "--json")
    figures = json.loads(result.stdout)
    assert figures["requests"] == 50 and figures["requests_per_s"] > 0


def test_errors_are_messages_with_exit_codes_not_tracebacks():
    cli = [sys.executable, "-m", "autommlab.cli"]
    empty = subprocess.run([*cli, "parse", ""], capture_output=True, text=True, timeout=120)
    assert empty.returncode == 2
    assert "error: the request is empty" in empty.stderr
    assert "Traceback" not in empty.stderr
    env = {k: v for k, v in os.environ.items() if k != "AUTOMMLAB_LLM_URL"}
    http = subprocess.run([*cli, "parse", "detect cars", "--backend", "http"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert http.returncode == 9 and "AUTOMMLAB_LLM_URL" in http.stderr
    assert "Traceback" not in http.stderr


def test_select_explains_and_writes_the_subset(tmp_path):
    store = tmp_path / "store"
    result = run("select", "classify sneakers and sandals, under 5M parameters",
                 "--subset", str(tmp_path / "data"), "--store", str(store),
                 "--scale", "0.05", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out["selection"]["data"]["classes"]) == {"sneaker", "sandal"}
    assert out["selection"]["model"]["params_m"] <= 5
    meta = json.loads((tmp_path / "data" / "meta.json").read_text())
    assert set(meta["classes"]) == {"sneaker", "sandal"}
    assert (store / "zoo" / "datasets" / meta["subset_of"] / "MANIFEST.json").exists()


def test_select_with_nothing_matching_is_a_clear_error():
    result = run("select", "detect forklifts and pallets in the warehouse")
    assert result.exit_code != 0
    assert "forklift" in str(result.exception)


def test_zoo_list_and_build_json(tmp_path):
    listed = json.loads(run("zoo", "list", "models", "--task", "keypoint", "--json").stdout)
    assert listed and all(m["task"] == "keypoint" for m in listed)
    assert all(m["measured"]["params_m"] > 0 for m in listed)
    built = run("zoo", "build", "textures", "--scale", "0.02", "--store", str(tmp_path),
                "--json")
    assert built.exit_code == 0, built.output
    (entry,) = json.loads(built.stdout)
    assert entry["prefix"] == "zoo/datasets/textures"
    assert (tmp_path / entry["prefix"] / "MANIFEST.json").exists()


def test_public_api_parses_and_selects():
    import autommlab

    config = autommlab.get_parser("rules").parse(
        "classify sneakers and sandals, under 5M parameters").config
    zoo = autommlab.load_cards()
    data = autommlab.select_dataset(config, zoo.datasets)
    model = autommlab.select_model(config, zoo.models)
    assert set(data.classes) == {"sneaker", "sandal"}
    assert zoo.model(model.model).task == "classification"
    assert isinstance(config, autommlab.RequestConfig)
    # the pipeline entry point the operator and gateway call (run end to end in
    # test_pipeline_e2e.py)
    assert autommlab.run_pipeline.__module__ == "autommlab.pipeline.run"
    assert autommlab.RunOptions(budget="medium").scale == 1.0


@pytest.mark.s3
def test_zoo_build_and_subset_through_real_s3(s3_env, s3_bucket, tmp_path):
    """The CLI against a real S3 server (SeaweedFS on 127.0.0.1), credentials from the env."""
    url = f"s3://{s3_bucket}/cli-{tmp_path.name}"
    built = run("zoo", "build", "fashion-footwear", "--scale", "0.02", "--store", url, "--json")
    assert built.exit_code == 0, built.output
    (entry,) = json.loads(built.stdout)
    assert entry["store"].startswith("s3://") and entry["files"] > 10
    chosen = run("select", "classify sneakers and sandals", "--store", url,
                 "--subset", str(tmp_path / "data"), "--json")
    assert chosen.exit_code == 0, chosen.output
    meta = json.loads((tmp_path / "data" / "meta.json").read_text())
    assert set(meta["classes"]) == {"sneaker", "sandal"}

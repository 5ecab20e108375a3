"""The packaged schema is the shared contract, and our models produce valid JSON."""

import json
from pathlib import Path

import pytest

from autommlab.understand import get_parser
from autommlab.understand.schema import request_schema, schema_errors

SHARED_SCHEMA = Path(__file__).resolve().parents[2] / "shared/spec/request-config.schema.json"


@pytest.mark.skipif(not SHARED_SCHEMA.exists(), reason="../shared/spec not beside the checkout")
def test_packaged_schema_is_the_shared_contract():
    assert request_schema() == json.loads(SHARED_SCHEMA.read_text())


def test_every_rules_parse_is_schema_valid(lamp_dev):
    parser = get_parser("rules")
    for item in lamp_dev:
        assert schema_errors(parser.parse(item.request).to_json_dict()) == [], item.id


def test_ground_truth_files_are_schema_valid(lamp_dev, lamp_holdout):
    for item in [*lamp_dev, *lamp_holdout]:
        assert schema_errors(item.parse) == [], item.id


def test_schema_errors_names_the_bad_field():
    bad = get_parser("rules").parse("detect cars").to_json_dict()
    bad["model"]["task"] = "tracking"
    errors = schema_errors(bad)
    assert errors and errors[0].startswith("model/task")

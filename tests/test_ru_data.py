"""RU training data: exact (text, parse) pairs from the dev seeds, kept apart from evaluation."""

import json
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from autommlab.lamp.dataset import LampItem, read_lamp_jsonl
from autommlab.lamp.scoring import ALL_KEYS, score_keys
from autommlab.llm import ru_data
from autommlab.llm.ru_data import (
    EVAL_FILES,
    KINDS,
    SEED_FILES,
    build_ru_dataset,
    check_disjoint,
    generate_ru_pairs,
    load_items,
    object_phenomena,
    render_metric,
    render_speed,
    variation_kind,
)
from autommlab.llm.ru_data.classes import _STATE_SUBJECTS
from autommlab.llm.ru_data.focus_render import _CARRIER_POINTS, _RELAXED_NAMES
from autommlab.llm.ru_data.intros import _PARTS, _THING_CARRIERS, _distributed, _parts_group
from autommlab.llm.ru_data.lists import _KINDS_OF
from autommlab.llm.ru_data.phenomena import _BATCH_TIME_TEXT
from autommlab.llm.ru_data.registry import _BUILDERS
from autommlab.llm.ru_data.render import _HW, _NO_GPU_HW
from autommlab.llm.ru_data.seed_edit import _swap_objects
from autommlab.llm.ru_data.text import _fmt, _plural
from autommlab.understand import get_parser
from autommlab.understand.schema import schema_errors

N = 2000
#: Rules-parser agreement with generated parses, per key, on 200 generated items.
#: Measured 0.992 on this sample before the 'classes' kind; 0.978 with it (objects 162/200:
#: the rules parser itself splits "riders with and without helmets" into "rider", misses
#: classes named after the requirements, "red, yellow and green lights" -> "red", ...);
#: the floor sits a little below.
RULES_AGREEMENT_FLOOR = 0.97


@pytest.fixture(scope="module")
def seeds():
    return load_items(SEED_FILES)


@pytest.fixture(scope="module")
def eval_items():
    return load_items(EVAL_FILES)


@pytest.fixture(scope="module")
def generated(seeds):
    return generate_ru_pairs(seeds, N, seed=0)


@pytest.fixture(scope="module")
def slot_built(generated):
    """Items whose whole text was built from slots (seed text plays no part)."""
    return [i for i in generated if variation_kind(i) in ("numbers", "swap", "paraphrase",
                                                          "trap")]


@pytest.fixture(scope="module")
def parse():
    parser = get_parser("rules")
    return lambda text: parser.parse(text).to_json_dict()


# --- files --------------------------------------------------------------------------------


def test_seed_and_eval_files_are_apart():
    names = {p.name for p in SEED_FILES}
    assert names == {"lamp_dev.jsonl", *(f"lamp_dev{i}.jsonl" for i in range(2, 11))}
    assert {p.name for p in EVAL_FILES} == {"lamp_holdout.jsonl", "lamp_test.jsonl",
                                           "lamp_select.jsonl"}
    assert all(p.exists() for p in (*SEED_FILES, *EVAL_FILES))


def test_module_is_pure_data_work():
    code = ("import sys, autommlab.llm.ru_data; "
            "bad = [m for m in ('torch', 'transformers') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)



def test_every_slot_built_kind_is_registered():
    # seed_edit edits seed text (its own shape) and original is the seeds: no builders
    assert set(_BUILDERS) == set(KINDS) - {"original", "seed_edit"}

# --- generation ---------------------------------------------------------------------------


def test_every_parse_is_schema_valid(generated):
    assert len(generated) == N
    bad = [(i.id, schema_errors(i.parse)) for i in generated if schema_errors(i.parse)]
    assert not bad, bad[:3]


def test_originals_kept_and_texts_unique(seeds, generated):
    originals = [i for i in generated if variation_kind(i) == "original"]
    assert len(originals) <= 0.3 * N + 1
    by_id = {s.id: s for s in seeds}
    assert all(by_id[i.id] == i for i in originals)
    texts = Counter(" ".join(i.request.lower().split()) for i in generated)
    assert texts.most_common(1)[0][1] == 1


def test_all_seeds_kept_in_a_large_build(seeds):
    few = seeds[::5]  # every task, a fifth of the seeds: all fit in 30% of 1000
    items = generate_ru_pairs(few, 1000, seed=0)
    assert [i for i in items if variation_kind(i) == "original"] == few


def test_deterministic_per_seed(seeds):
    first, again = (generate_ru_pairs(seeds, 600, seed=0) for _ in range(2))
    assert [(i.id, i.request, i.parse) for i in again] == \
           [(i.id, i.request, i.parse) for i in first]
    other = generate_ru_pairs(seeds, 600, seed=1)
    made = [i.request for i in other if variation_kind(i) != "original"]
    assert len(set(made) & {i.request for i in first}) < 0.05 * len(made)


@pytest.mark.parametrize("n", [0, 1, 50, 777])
def test_n_is_respected(seeds, n):
    items = generate_ru_pairs(seeds, n, seed=3)
    assert len(items) == n
    assert len({i.id for i in items}) == n


def test_tasks_balanced_and_every_kind_a_real_share(generated):
    made = [i for i in generated if variation_kind(i) != "original"]
    tasks = Counter(i.task for i in made)
    assert set(tasks) == {"classification", "detection", "segmentation", "keypoint"}
    assert max(tasks.values()) - min(tasks.values()) <= 1
    kinds = Counter(variation_kind(i) for i in made)
    assert set(kinds) == set(KINDS) - {"original"}
    assert min(kinds.values()) >= 0.07 * len(made)


# --- renderers: each phrase states exactly its value ---------------------------------------


def _texts(rendered):
    return [rendered.clause, rendered.fragment]


@pytest.mark.parametrize("seed", range(12))
def test_per_minute_rate_is_an_fps_figure(seed, parse):
    rendered = render_speed({"value": 6, "unit": "fps"}, random.Random(seed), form="per_minute")
    for text in _texts(rendered):
        assert re.search(r"\b360 \w+ (?:per|a) minute\b", text), text
        assert parse(f"A classifier for cats and dogs. {text}")["model"]["speed"] == \
            {"value": 6, "unit": "fps"}, text


@pytest.mark.parametrize("seed", range(12))
def test_batch_time_is_a_per_image_figure(seed, parse):
    rendered = render_speed({"value": 60, "unit": "ms"}, random.Random(seed), form="batch")
    for text in _texts(rendered):
        m = re.search(r"batch(?:es)? of (\d+)", text)
        t = re.search(r"(\d+) ms", text)
        assert m and t and int(t.group(1)) == 60 * int(m.group(1)), text
        assert parse(f"A detector for cars. {text}")["model"]["speed"] == \
            {"value": 60, "unit": "ms"}, text


@pytest.mark.parametrize("seed", range(12))
def test_error_rate_is_accuracy(seed, parse):
    rendered = render_metric({"name": "accuracy", "value": 0.95}, "classification",
                             random.Random(seed), form="error")
    for text in _texts(rendered):
        assert "5%" in text and re.search(r"error|misclassification", text, re.I), text
        metrics = parse(f"Classify photos as cat or dog. {text}")["model"]["metrics"]
        assert metrics == [{"name": "accuracy", "value": 0.95}], text


@pytest.mark.parametrize("seed", range(12))
def test_map_in_points_is_a_fraction(seed, parse):
    rendered = render_metric({"name": "AP", "value": 0.4}, "detection", random.Random(seed),
                             form="points")
    for text in _texts(rendered):
        assert re.search(r"(?<![\d.])40(?![\d%])", text) and "0.4" not in text, text
        metrics = parse(f"Detect cars and trucks. {text}")["model"]["metrics"]
        assert metrics == [{"name": "AP", "value": 0.4}], text


@pytest.mark.parametrize("seed", range(12))
def test_real_time_without_a_number_is_no_figure(seed, parse):
    rendered = render_speed({"value": 0, "unit": "none"}, random.Random(seed), form="realtime")
    for text in _texts(rendered):
        assert re.search(r"real[- ]time", text, re.I) and not re.search(r"\d", text), text
        assert parse(f"Detect cars and trucks. {text}")["model"]["speed"] == \
            {"value": 0, "unit": "none"}, text
    assert render_speed({"value": 0, "unit": "none"}, random.Random(seed)) is None


def test_plural_only_where_certain():
    plural = _plural
    assert plural("person") == "people" and plural("golden retriever") == "golden retrievers"
    assert plural("knife") == "knives" and plural("battery") == "batteries"
    assert plural("box") == "boxes" and plural("t-shirt") == "t-shirts"
    for word in ("jeans", "scissors", "face with mask", "mask worn incorrectly", "rust",
                 "healthy", "defective", "built-up", "air max 90"):
        assert plural(word) is None, word


def test_object_swap_edits_only_located_spans():
    swap = _swap_objects
    assert swap("Detect cars and buses in dashcam frames.", ["car", "bus"],
                ["truck", "person"]) == "Detect trucks and people in dashcam frames."
    assert swap("Is it an apple or a pear?", ["apple", "pear"], ["banana", "orange"]) == \
        "Is it a banana or an orange?"
    # "liver" occurs twice (also inside "liver tumors"): no exact span, no edit
    assert swap("Segment the liver and liver tumors.", ["liver", "liver tumor"],
                ["kidney", "kidney cyst"]) is None
    # an object the text does not name verbatim: no edit
    assert swap("Find ducks and geese.", ["duck", "swan"], ["cat", "dog"]) is None


# --- the generated set obeys the conventions (checked with independent patterns) -----------


def test_generated_rates_batches_and_errors_match_their_parse(slot_built):
    checked = Counter()
    for item in slot_built:
        text, model = item.request, item.parse["model"]
        rate = re.search(r"\b(\d[\d,]*) \w+ (?:per|an?) (minute|hour)\b", text)
        if rate:
            per = 60 if rate.group(2) == "minute" else 3600
            assert model["speed"]["unit"] == "fps", item
            assert model["speed"]["value"] == pytest.approx(
                int(rate.group(1).replace(",", "")) / per), item
            checked["rate"] += 1
        batch = re.search(r"batch(?:es)? of (\d+) \w*\s*(?:in|within|in under) ([\d.]+) ms", text)
        if batch:
            assert model["speed"] == {"value": pytest.approx(
                float(batch.group(2)) / int(batch.group(1))), "unit": "ms"}, item
            checked["batch"] += 1
        error = re.search(r"error(?: rate)? (?:below|under|<=|of at most) ([\d.]+)%", text)
        if error:
            accuracy = [m["value"] for m in model["metrics"] if m["name"] == "accuracy"]
            assert accuracy == [pytest.approx(1 - float(error.group(1)) / 100)], item
            checked["error"] += 1
        if re.search(r"real[- ]time", text, re.I) and not re.search(r"\d\s*(?:fps|ms)", text,
                                                                     re.I):
            assert model["speed"] == {"value": 0, "unit": "none"}, item
            checked["realtime"] += 1
        if re.search(r"in the cloud|on our backend|behind our web API", text) and not re.search(
                r"without|no GPU|CPU", text):
            assert item.parse["deploy"]["gpu"] == "none", item
            checked["cloud"] += 1
    assert min(checked[k] for k in ("rate", "batch", "error", "realtime", "cloud")) >= 5, checked


_GENERIC = {"object", "objects", "item", "items", "thing", "things"}
_JOINTS = re.compile(r"\b(?:shoulder|elbow|wrist|hip|knee|ankle|fingertip|knuckle|paw|beak|"
                     r"wing|fin|thorax|nose|eye)s?\b")


def test_no_generic_words_or_joints_as_classes(generated):
    for item in generated:
        objects = item.parse["data"]["object"]
        assert not _GENERIC & set(objects), item
        if item.task == "keypoint" and variation_kind(item) != "original":
            assert not any(_JOINTS.fullmatch(o) for o in objects), item
    joints = [i for i in generated if i.task == "keypoint"
              and variation_kind(i) in ("trap", "focus") and _JOINTS.search(i.request)]
    assert len(joints) >= 5


# --- class phenomena: the 'classes' kind ---------------------------------------------------

@pytest.fixture(scope="module")
def classes_items(generated):
    return [i for i in generated if variation_kind(i) == "classes"]


def _said(obj, text):
    """Every word of a class occurs in the text (plurals and 'ripe and unripe X' allowed)."""
    def forms(w):
        return {w, _plural(w) or w, w[:-1] if len(w) > 3 else w}  # strawberr(ies)
    return all(any(re.search(rf"(?<![\w-]){re.escape(f)}", text, re.I) for f in forms(w))
               for w in obj.split())


def test_each_class_phenomenon_is_a_real_share(generated):
    made = [i for i in generated if variation_kind(i) != "original"]
    counts = Counter(f for i in made for f in object_phenomena(i))
    assert ru_data.PHENOMENA[:4] == ("parts", "negation", "qualifier", "late")
    for name in ru_data.PHENOMENA[:4]:
        assert counts[name] >= 0.03 * len(made), counts


def test_object_phenomena_reads_text_and_parse():
    cases = [
        ("keypoint", "Keypoints of cars (wheels, headlights, mirrors), 20 ms.", ["car"],
         {"parts", "carrier_points"}),
        ("classification", "Crack or no crack? Classify concrete patches.", ["crack", "no crack"],
         {"negation"}),
        ("detection", "Find ripe and unripe tomatoes on the vine.", ["ripe tomato",
                                                                    "unripe tomato"],
         {"qualifier"}),
        ("detection", "We need an object detector for our yard cameras. Classes: forklifts.",
         ["forklift"], {"late"}),
        ("detection", "Detect forklifts in warehouse images.", ["forklift"], set()),
    ]
    for task, text, objects, want in cases:
        parse = {"data": {"object": objects}, "model": {"task": task}}
        got = object_phenomena(LampItem(id="x", request=text, parse=parse))
        assert got == want, (text, got)


def test_keypoint_parts_are_never_the_classes(classes_items):
    parts = [i for i in classes_items if i.task == "keypoint" and "parts" in
             object_phenomena(i)]
    assert len(parts) >= 22  # 'classes' is 8.5% of a build since the 'focus' kind
    groups = set()
    for item in parts:
        objects = item.parse["data"]["object"]
        group = _parts_group(objects)
        assert group, item  # the classes are carriers
        named = [p for p in _PARTS[group] if p in item.request.lower()]
        assert named, item  # ... and the request names their parts
        part_words = {w.removesuffix("s") for w in re.findall(r"[a-z-]+", named[0])}
        assert not part_words & {o.removesuffix("s") for o in objects}, item
        groups.add(group)
    # things, not only creatures (the 'focus' kind adds shoes, chairs, bottles, ...)
    assert len(groups & set(_THING_CARRIERS)) >= 2, groups


def test_negation_words_are_classes_only_as_written(classes_items):
    neg = [i for i in classes_items if "negation" in object_phenomena(i)]
    seen = Counter()
    for item in neg:
        text, objects = item.request, item.parse["data"]["object"]
        assert not {"no", "not", "non", "with", "without", "or"} & set(objects), item
        assert all(_said(o, text) for o in objects), item
        low = text.lower()
        if objects[-1].startswith("no ") and len(objects) == 2:  # crack or no crack
            assert objects == [objects[0], f"no {objects[0]}"], item
            if f"{objects[0]} or no {objects[0]}" in low:
                seen["or no"] += 1
        if re.search(r"\bor not\b(?! yet)", low) and item.task == "classification":
            # the labels are said apart: "The two classes are crack and no crack."
            assert objects[1] == f"no {objects[0]}" and \
                re.search(rf"{re.escape(objects[0])}(?:,| and) {re.escape(objects[1])}", low)
            seen["or not"] += 1
        if "with or without" in low:
            if item.task == "detection":  # "all workers, with or without helmets"
                assert len(objects) == 1 and " with" not in objects[0], item
            else:
                assert [o.split()[0] for o in objects] == ["with", "without"], item
            seen["with or without"] += 1
        if any(" without " in o for o in objects):  # "workers without helmets": as written
            carrier, gear = next(o for o in objects if " without " in o).split(" without ", 1)
            many = _plural(carrier) or carrier
            assert re.search(rf"\b(?:{re.escape(carrier)}|{re.escape(many)}) without "
                             rf"{re.escape(gear)}", low), item
            seen["without"] += 1
    # the 'classes' kind is 11% of the made items since the 'lists' kind (was 22%)
    assert min(seen[k] for k in ("or no", "or not", "with or without", "without")) >= 1, seen


def test_qualifiers_follow_the_seed_annotations(classes_items):
    seen = Counter()
    for item in classes_items:
        if "qualifier" not in object_phenomena(item):
            continue
        text, objects = item.request.lower(), item.parse["data"]["object"]
        shared = _distributed(objects)
        if shared and shared in text:  # "ripe and unripe tomatoes" -> ripe tomato, ...
            assert len({o.split(" ", 1)[1] for o in objects}) == 1, item  # one shared head
            seen["distributive"] += 1
        for subject, states in _STATE_SUBJECTS:
            if set(objects) <= set(states) and re.search(rf"\b{re.escape(subject)}\b", text):
                assert subject not in objects, item  # the state alone is the class
                seen["state"] += 1
                break
            if all(o.endswith(f" {subject}") for o in objects) and \
                    {o.split()[0] for o in objects} <= set(states):
                seen["kept"] += 1  # "into ripe tomatoes and unripe tomatoes": as written
                break
        assert all(_said(o, text) for o in objects), item
    assert min(seen[k] for k in ("distributive", "state", "kept")) >= 3, seen


def test_late_classes_come_after_the_first_sentence(classes_items):
    late = [i for i in classes_items if "late" in object_phenomena(i)
            and re.search(r"classes|labels|should find|to detect|are on|needed for|boxed|"
                          r"object:|we need the|find the", i.request, re.I)]
    assert len(late) >= 30
    for item in late:
        text = item.request.lower()
        hits = [m.start() for o in item.parse["data"]["object"]
                for f in {o, _plural(o) or o}
                if (m := re.search(rf"(?<![\w-]){re.escape(f)}(?![\w-])", text))]
        assert hits, item  # every late class is still written out ...
        assert re.search(r"[.!?]\s|\n", text[:min(hits)]), item  # ... after a sentence end


def test_class_phenomena_never_copy_an_eval_request(seeds, eval_items):
    items = [i for i in generate_ru_pairs(seeds, 3000, seed=5)
             if variation_kind(i) in ("classes", "lists")]
    assert len(items) >= 400
    check_disjoint(items, eval_items)


_ASIDE = re.compile(r"(\w[\w-]*) (?:can be lower|matters less to us|is less important)\.|"
                    r"We have no target for (\w[\w-]*)\.")


def test_a_metric_named_without_a_target_is_no_requirement(slot_built):
    asides = [(m, i) for i in slot_built if (m := _ASIDE.search(i.request))]
    assert len(asides) >= 5
    canonical = {"accuracy": "accuracy", "precision": "precision", "recall": "recall",
                 "f1": "f1-score", "map": "AP", "miou": "IoU", "dice": "dice", "pck": "PCK"}
    for m, item in asides:
        named = canonical.get((m.group(1) or m.group(2)).lower())
        assert item.parse["model"]["metrics"], item  # the stated target is kept ...
        assert named not in {x["name"] for x in item.parse["model"]["metrics"]}, item  # ... only


def test_rules_parser_agrees_with_generated_parses(slot_built, generated, parse):
    """An independent check that the generated text means what its parse says."""
    made = [i for i in generated if variation_kind(i) != "original"]
    sample = random.Random(0).sample(made, 200)
    right = Counter()
    for item in sample:
        for key, ok in score_keys(parse(item.request), item.parse).items():
            right[key] += ok
    rate = sum(right.values()) / (len(ALL_KEYS) * len(sample))
    assert rate >= RULES_AGREEMENT_FLOOR, (rate, right)


# --- disjointness and the written file ------------------------------------------------------


def test_check_disjoint_refuses_copies(eval_items):
    target = eval_items[0]
    copy = LampItem(id="train-copy", request="  " + target.request.upper() + " ",
                    parse=target.parse)
    with pytest.raises(ValueError, match=r"train-copy.*" + re.escape(target.id)):
        check_disjoint([copy], eval_items)
    text = target.request
    i = len(text) // 2
    near = LampItem(id="train-near", request=text[:i] + ("x" if text[i] != "x" else "y")
                    + text[i + 1:], parse=target.parse)
    with pytest.raises(ValueError, match="train-near"):
        check_disjoint([near], eval_items)


def test_generated_set_is_disjoint_from_the_real_eval_files(generated, eval_items):
    check_disjoint(generated, eval_items)


def test_build_writes_reloadable_jsonl(tmp_path):
    out = tmp_path / "ru" / "train.jsonl"
    report = build_ru_dataset(out, 800, seed=2)
    items = read_lamp_jsonl(out)
    assert report.path == out and report.total == len(items) == 800
    assert report.seeds == sum(len(read_lamp_jsonl(p)) for p in SEED_FILES)
    assert sum(report.per_task.values()) == sum(report.per_kind.values()) == 800
    assert set(report.per_kind) == set(KINDS)
    assert set(report.per_phenomenon) == set(ru_data.PHENOMENA)
    assert all(report.per_phenomenon[f] >= 0.015 * 800 for f in ru_data.PHENOMENA[:4]), report
    assert all(report.per_phenomenon[f] >= 1 for f in ru_data.PHENOMENA), report
    assert items == generate_ru_pairs(load_items(SEED_FILES), 800, seed=2)
    first = json.loads(out.read_text().splitlines()[0])
    assert set(first) == {"id", "task", "request", "parse"}
    assert [p.name for p in out.parent.iterdir()] == ["train.jsonl"]  # no temp file left


def test_build_refuses_eval_files_as_seeds(tmp_path):
    with pytest.raises(ValueError, match="evaluation files"):
        build_ru_dataset(tmp_path / "x.jsonl", 10, seed_files=[*SEED_FILES, EVAL_FILES[0]])


def test_build_refuses_a_seed_that_copies_an_eval_request(tmp_path):
    seed_file = tmp_path / "seeds.jsonl"
    seed_file.write_text(Path(SEED_FILES[1]).read_text() + EVAL_FILES[1].read_text())
    with pytest.raises(ValueError, match="copy evaluation requests"):
        build_ru_dataset(tmp_path / "x.jsonl", 700, seed_files=[seed_file])
    assert not (tmp_path / "x.jsonl").exists()


# --- the 'lists' kind and the hard traps: phrasings the adapter still got wrong -----------

@pytest.fixture(scope="module")
def hard_set(seeds):
    return generate_ru_pairs(seeds, 1200, seed=11)


def _with(items, phenomenon, kinds=("lists", "trap")):
    found = [i for i in items if phenomenon in object_phenomena(i)
             and variation_kind(i) in kinds]
    assert found, phenomenon
    return found


def test_new_phenomena_exist_schema_valid_and_round_trip(hard_set):
    from autommlab.llm.ru_prompt import answer_from_parse, parse_from_answer

    for name in ("long", "kinds", "adjective", "cue", "batch", "count", "interval",
                 "number_word", "error", "decor", "person"):
        for item in _with(hard_set, name):
            assert schema_errors(item.parse) == [], item
            back = parse_from_answer(answer_from_parse(item.parse, item.request))
            back = back.model_dump(by_alias=True) if hasattr(back, "model_dump") else back
            assert all(score_keys(back, item.parse).values()), item


def test_long_lists_label_every_class_also_prefixes(hard_set):
    longs = _with(hard_set, "long", ("lists",))
    assert len(longs) >= 0.06 * len(hard_set)  # 'lists' is 15.5% since the 'focus' kind
    prefixed = 0
    for item in longs:
        objects = item.parse["data"]["object"]
        assert 4 <= len(objects) <= 6, item
        for obj in objects:
            assert _said(obj, item.request), (obj, item)
        prefixed += any(a != b and b.startswith(a)
                        for a in objects for b in objects)
    assert prefixed >= 5


def test_kinds_are_the_classes_not_the_category(hard_set):
    for item in _with(hard_set, "kinds", ("lists",)):
        objects = item.parse["data"]["object"]
        categories = {c for t in _KINDS_OF.values() for c, kinds in t
                      if list(kinds) == objects}
        assert categories and not categories & set(objects), item
        assert all(_said(o, item.request) for o in objects), item


def test_adjective_classes_with_cue_words_stay_classification(hard_set):
    for item in _with(hard_set, "adjective", ("lists",)):
        assert item.task == "classification", item
        assert re.search(r"\b(?:edge|margin|outline|shape|points|pose|texture|surface|stroke)\b",
                         item.request), item


def test_cue_phrasings_keep_their_task(hard_set):
    cues = _with(hard_set, "cue", ("lists",))
    for item in cues:
        if re.search(r"box|bounding", item.request, re.I) and "pixel" not in item.request:
            assert item.task == "detection", item
        if re.search(r"pixel level|mask per class|pixel by pixel", item.request):
            assert item.task == "segmentation", item
        named = re.search(r"(?:train|fine-tune) (\S+(?: R-CNN)?) on (COCO|Pascal VOC|ADE20K|"
                          r"Cityscapes)", item.request, re.I)
        if named:
            assert item.parse["model"]["specific_model"] == named.group(1), item
            assert item.parse["data"]["specific"] == [named.group(2)], item


def test_speed_traps_label_the_requirement_only(hard_set):
    for item in _with(hard_set, "batch"):
        m = re.search(r"(\d+) \w+ at a time (?:within|and has to finish them within) ([\d.]+) "
                      r"(ms|s|milliseconds|seconds?)\b", item.request)
        if m:
            unit = "ms" if m.group(3) in ("ms", "milliseconds") else "s"
            assert item.parse["model"]["speed"] == {"value": pytest.approx(
                float(m.group(2)) / int(m.group(1))), "unit": unit}, item
    for item in _with(hard_set, "count", ("trap",)):
        m = re.search(r"\b(\d+) fps\b", item.request, re.I)
        if m:
            assert item.parse["model"]["speed"] == {"value": int(m.group(1)), "unit": "fps"}
    for item in _with(hard_set, "interval", ("trap",)):
        speed = item.parse["model"]["speed"]
        m = re.search(r"every (\d+) (seconds|minutes|hours)", item.request)
        assert not (speed["unit"] in ("s", "min", "h") and speed["value"] == int(m.group(1))) \
            or re.search(r"per (?:image|photo|frame|picture)|[Ee]ach (?:image|photo|frame|picture)",
                         item.request), item
    words = {"half a second": ("s", 0.5), "one second": ("s", 1), "two frames per second":
             ("fps", 2), "five seconds": ("s", 5), "ten frames per second": ("fps", 10)}
    for item in _with(hard_set, "number_word", ("trap",)):
        for phrase, (unit, value) in words.items():
            if phrase in item.request:
                assert item.parse["model"]["speed"] == {"value": value, "unit": unit}, item


def test_error_rates_in_prose_are_accuracy(hard_set):
    errors = _with(hard_set, "error", ("trap",))
    assert any(variation_kind(i) == "trap" and re.search(r"percent|in 100 may be wrong",
                                                         i.request) for i in errors)
    for item in errors:
        m = re.search(r"(?:error rate (?:has to stay below|of at most)|misclassification rate "
                      r"should be under|no more than|at most) ([\d.]+)(?:%| percent| in 100)",
                      item.request)
        if m:
            acc = [x["value"] for x in item.parse["model"]["metrics"] if x["name"] == "accuracy"]
            assert acc == [pytest.approx(1 - float(m.group(1)) / 100)], item


def test_decorated_model_names_are_the_bare_name(hard_set):
    from autommlab.llm.ru_spans import name_candidates

    for item in _with(hard_set, "decor", ("trap",)):
        model = item.parse["model"]["specific_model"]
        assert not re.search(r"-like$|\bis fine\b|^something", model), item
        assert model in name_candidates(item.request), item


def test_human_people_body_keypoints_are_person(hard_set):
    for item in _with(hard_set, "person", ("lists",)):
        assert item.parse["data"]["object"] == ["person"], item


# --- the 'focus' kind: batch wordings, counts beside speeds, error wordings, shared and
# relaxed metrics, style labels, keypoint carriers, annotation nouns, budgets, capture
# devices, shared head nouns ----------------------------------------------------------------

_FOCUS = ("batch_form", "count_speed", "error_form", "shared_metric", "relaxed_metric",
          "style_classes", "carrier_points", "annotation_noun", "budget_pair", "capture_device",
          "shared_head")


@pytest.fixture(scope="module")
def focus_items(seeds):
    return [i for i in generate_ru_pairs(seeds, 1600, seed=13) if variation_kind(i) == "focus"]


def _focus(items, name):
    found = [i for i in items if name in object_phenomena(i)]
    assert len(found) >= 5, (name, len(found))
    return found


def test_focus_kind_is_a_real_share_and_round_trips(focus_items):
    from autommlab.llm.ru_prompt import answer_from_parse, parse_from_answer

    assert len(focus_items) >= 0.15 * 1600
    assert set(_FOCUS) <= set(ru_data.PHENOMENA)
    for name in _FOCUS:
        _focus(focus_items, name)
    for item in focus_items:
        assert schema_errors(item.parse) == [], item
        back = parse_from_answer(answer_from_parse(item.parse, item.request))
        back = back.model_dump(by_alias=True) if hasattr(back, "model_dump") else back
        assert all(score_keys(back, item.parse).values()), item


def test_focus_batch_wordings_get_the_batch_form(focus_items):
    from autommlab.llm.ru_prompt import answer_from_parse

    worded = [i for i in focus_items if i.parse["model"]["speed"]["unit"] in ("ms", "s")
              and _BATCH_TIME_TEXT.search(i.request)]
    assert len(worded) >= 20
    batch = [json.loads(answer_from_parse(i.parse, i.request))["speed"] for i in worded]
    assert sum("batch" in b for b in batch) >= 0.95 * len(worded)
    sizes = Counter()
    for item, b in zip(worded, batch, strict=True):
        if "batch" in b:
            per = item.parse["model"]["speed"]["value"]
            assert b["value"] == pytest.approx(per * b["batch"]), item
            assert 2 <= b["batch"] <= 64, item
            sizes[b["batch"]] += 1
    assert len(sizes) >= 10  # batch sizes vary, not only powers of two


def test_focus_counts_beside_a_speed_are_no_speed(focus_items):
    for item in _focus(focus_items, "count_speed"):
        speed = item.parse["model"]["speed"]
        assert speed["unit"] in ("fps", "ms"), item
        value = _fmt(speed["value"])
        assert re.search(rf"(?<![\d.]){value} ?(?:fps|FPS|ms|frames per second)", item.request), \
            item


def test_focus_error_wordings_become_the_error_form(focus_items):
    from autommlab.llm.ru_forms import to_parse_metric, written_metric

    for item in _focus(focus_items, "error_form"):
        assert re.search(r"error|wrong|misclassif", item.request, re.I), item
        accuracy = [m for m in item.parse["model"]["metrics"] if m["name"] == "accuracy"]
        written = written_metric(item.request, accuracy[0])
        assert written["name"] == "error", item
        assert to_parse_metric(written)["value"] == pytest.approx(accuracy[0]["value"])
        assert re.search(rf"(?<![\d.]){_fmt(written['value'] * 100)}(?![\d])",
                         item.request), item
    assert not re.search(r"per 1000|per 1,000", " ".join(i.request for i in focus_items))


def test_focus_shared_targets_give_one_entry_per_metric(focus_items):
    for item in _focus(focus_items, "shared_metric"):
        metrics = item.parse["model"]["metrics"]
        names = [m["name"] for m in metrics]
        assert len(names) == len(set(names)) >= 2, item
        assert len({m["value"] for m in metrics}) == 1, item


def test_focus_relaxed_metrics_are_not_required(focus_items):
    canonical = {v.lower(): k for k, v in _RELAXED_NAMES.items()}
    relaxed = re.compile(r"(?:\b|^)([\w-]+) (?:can be lower|matters less|is not a priority|"
                         r"doesn't matter much|is nice to have|is secondary)|(?:care (?:much )?"
                         r"about|[Ii]gnore|particular) ([\w-]+)")
    checked = 0
    for item in _focus(focus_items, "relaxed_metric"):
        for m in relaxed.finditer(item.request):
            name = canonical.get((m.group(1) or m.group(2)).lower())
            if name:
                assert name not in {x["name"] for x in item.parse["model"]["metrics"]}, item
                checked += 1
    assert checked >= 5


def test_focus_style_labels_are_classification_classes(focus_items):
    for item in _focus(focus_items, "style_classes"):
        assert item.task == "classification", item
        objects = item.parse["data"]["object"]
        assert len(objects) >= 3 and all(o in item.request for o in objects), item


def test_focus_keypoint_carrier_is_the_object_not_its_points(focus_items):
    for item in _focus(focus_items, "carrier_points"):
        objects = item.parse["data"]["object"]
        assert len(objects) == 1 and objects[0] in _CARRIER_POINTS, item
        points = {p for group in _CARRIER_POINTS[objects[0]] for p in group.split(", ")}
        assert not points & set(objects), item


def test_focus_annotation_nouns_are_not_part_of_the_class(focus_items):
    for item in _focus(focus_items, "annotation_noun"):
        assert item.task in ("detection", "segmentation"), item
        for obj in item.parse["data"]["object"]:
            assert not re.search(r"\b(?:box|boxes|mask|masks|outline|polygon)s?$", obj), item
        box = re.search(r"\bbox(?:es)?\b", item.request)
        assert (item.task == "detection") == bool(box) or item.task == "segmentation", item


def test_focus_parameters_and_flops_keep_their_units(focus_items):
    flops_words = {"MFLOPs": r"(?:MFLOPS?|M FLOPs|million FLOPs)",
                   "GFLOPs": r"(?:GFLOPS?|G FLOPs|billion FLOPs|B FLOPs)",
                   "TFLOPs": r"(?:TFLOPs|trillion FLOPs)"}
    params_words = {"K": r"\s?(?:K|k|thousand)", "M": r"\s?(?:M|million)",
                    "B": r"\s?(?:B|billion)"}
    checked = 0
    for item in _focus(focus_items, "budget_pair"):
        model = item.parse["model"]
        # the pair in one phrase (other items state them in separate renderer sentences)
        if not any("FLOP" in c and "param" in c for c in re.split(r"\.\s|\n", item.request)):
            continue
        checked += 1
        f, p = model["flops"], model["parameters"]
        assert re.search(rf"(?<![\d.]){_fmt(f['value'])}\s?{flops_words[f['unit']]}",
                         item.request), item
        assert re.search(rf"(?<![\d.]){_fmt(p['value'])}{params_words[p['unit']]} "
                         r"param", item.request), item
    assert checked >= 5


def test_focus_capture_devices_are_no_deployment_target(focus_items):
    # the deployment phrases the generator writes; without one the hardware is unstated
    stated = [p for entries in _HW.values() for loc, noun, _ in entries
              for p in (loc, noun)] + [loc for loc, _ in _NO_GPU_HW]
    unstated = 0
    for item in _focus(focus_items, "capture_device"):
        if not any(p in item.request for p in stated):
            assert item.parse["deploy"]["gpu"] == "none", item
            unstated += 1
    assert unstated >= 3


def test_focus_shared_head_nouns_go_to_every_class(focus_items):
    for item in _focus(focus_items, "shared_head"):
        objects = item.parse["data"]["object"]
        heads = {o.rsplit(" ", 1)[1] for o in objects}
        assert len(heads) == 1 and len(objects) >= 2, item
        head = heads.pop()
        assert _plural(head) in item.request, item
        assert all(o.split(" ", 1)[0] in item.request for o in objects), item

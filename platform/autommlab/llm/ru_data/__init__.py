"""RU-LLaMA's training data: seed request/parse pairs -> thousands of varied, exact pairs.

The LoRA-tuned request-understanding model learns from (request text, parse) pairs. The
hand-written LAMP-style dev sets are the seeds; this package multiplies them without ever
letting a generated text drift away from its parse. Two rules keep every pair exact:

* Slot-built text: a request is assembled from slots (task, objects, model, datasets,
  speed, FLOPs, parameters, metrics, hardware, engine) by renderers that each state one
  known value, so the parse is built from the same slots the text was built from.
* Span edits of seed text only where the span is located exactly: object names that
  occur verbatim exactly once are swapped, and a sentence stating a field is appended only
  when the seed's parse leaves that field empty and its text has no word about it. Seed
  text is never rewritten with patterns that could leave it inconsistent with its parse.

Variation kinds (the id of a generated item says its kind: ``ru-<kind>-<n>-<seed id>``):

* ``original``   the seeds themselves.
* ``numbers``    a seed's slots with speed / FLOPs / parameter / metric constraints drawn
  again: other values, units and phrasings (per-minute rates, batch times, error rates,
  "mAP above 40", percent vs fraction, "2 billion FLOPs").
* ``swap``       a seed's constraints with objects from another seed of the same task, and
  a fresh model name, datasets, hardware and inference engine.
* ``paraphrase`` a seed's own slots, same values, in another sentence frame.
* ``trap``       the cases PARSE_CONVENTIONS.md calls out: "real time" with no number,
  "speed doesn't matter", capture frame rates, generic words ("items", "objects"),
  keypoint requests that list joints or parts, the cloud / a backend, a training GPU that is
  not the target, "no GPU", error rates (also half percents), rates per minute or hour (also
  of items on a line), times per batch (also "a batch every 300 ms"), AP in points, and a
  metric named with no target ("precision can be lower"). 60% of traps are the ones the
  adapter still failed on evaluation sets (`_HARD_TRAPS`): batch times in other words ("8
  crops at a time within 400 ms" -> 50 ms), counts beside a speed ("up to 4 people at once,
  30 fps" -> 30 fps; "2 cameras, 15 fps each"), capture intervals that are no requirement
  ("a snapshot every 5 minutes"), speeds in number words the rules parser reads ("half a
  second", "two frames per second"), error rates inside longer prose ("misclassification
  rate under 7 percent"), decorated model names ("something YOLOX-s-like" -> YOLOX-s,
  "Mask R-CNN is fine", "we currently use MoveNet Lightning and want something similar").
* ``seed_edit``  seed text with located object names swapped and/or one sentence appended.
* ``classes``    the seed's constraints with class phrasings the adapter got wrong, labelled
  as the dev sets label them: keypoint carriers next to their parts ("keypoints of cars
  (wheels, headlights)" -> car; shirts, documents, robot arms, ... not only creatures);
  negative words ("crack or no crack" -> crack, no crack; "is there a crack or not? The two
  classes are crack and no crack"; "workers with and without helmets"; "all workers, with or
  without helmets" -> worker; "defective or non-defective"); qualifiers ("ripe and unripe
  tomatoes" -> ripe tomato, unripe tomato; "whether a banana is ripe or overripe" -> ripe,
  overripe); classes named only after the first sentence or after the requirements.
* ``lists``      the seed's constraints with class lists the adapter got wrong: 4-6 classes
  (some multi-word, some a word-prefix of another: "pin, pinhole", "crack, crack line")
  written "a, b, c, d or e", in brackets after a category noun, after a colon or in a
  sentence of their own (every class labelled, the category never); kinds after a category
  noun ("the kind of bird in a photo (robin, wren, jay, finch)" -> robin, wren, jay, finch);
  adjective classes of a cue word that suggests another task ("classify the margin of each
  leaf as lobed, serrated, entire or toothed" -> classification); detection / segmentation
  in other words ("put a box around each", "outline ... at pixel level", "a mask per class",
  "Train DETR on COCO, but only for dog, cat and horse" -> model DETR, dataset COCO); and
  keypoints of "humans", "people", "body", "human pose" -> person.
  `object_phenomena` tells which of these a pair shows (``parts``, ``negation``,
  ``qualifier``, ``late``, ``long``, ``kinds``, ``adjective``, ``cue``, ``batch``,
  ``count``, ``interval``, ``number_word``, ``error``, ``decor``, ``person``), whatever
  its kind.

Evaluation sets (`EVAL_FILES`) never feed generation, and `check_disjoint` refuses a
training set with a request equal or nearly equal to an evaluation request.

This package is the public API only: each submodule does one job (its docstring says
which), the kinds register their builders in `registry`, `build` runs them.
"""

from __future__ import annotations

from autommlab.llm.ru_data.build import (
           RUDataReport,
           build_ru_dataset,
           check_disjoint,
           generate_ru_pairs,
           load_items,
           write_items,
)
from autommlab.llm.ru_data.config import EVAL_FILES, KINDS, SEED_FILES, variation_kind
from autommlab.llm.ru_data.config import KIND_WEIGHTS as KIND_WEIGHTS
from autommlab.llm.ru_data.config import NEAR_COPY_RATIO as NEAR_COPY_RATIO
from autommlab.llm.ru_data.config import ORIGINAL_MAX_SHARE as ORIGINAL_MAX_SHARE
from autommlab.llm.ru_data.config import TASKS as TASKS
from autommlab.llm.ru_data.intros import Intro as Intro
from autommlab.llm.ru_data.phenomena import PHENOMENA, object_phenomena
from autommlab.llm.ru_data.render import draw_deploy as draw_deploy
from autommlab.llm.ru_data.render import draw_metric as draw_metric
from autommlab.llm.ru_data.render import draw_quantity as draw_quantity
from autommlab.llm.ru_data.render import draw_speed as draw_speed
from autommlab.llm.ru_data.render import render_datasets as render_datasets
from autommlab.llm.ru_data.render import render_deploy as render_deploy
from autommlab.llm.ru_data.render import render_flops as render_flops
from autommlab.llm.ru_data.render import render_metric, render_speed
from autommlab.llm.ru_data.render import render_model as render_model
from autommlab.llm.ru_data.render import render_params as render_params
from autommlab.llm.ru_data.slots import Rendered as Rendered
from autommlab.llm.ru_data.slots import Slots as Slots

# Names without `as` are the star-export list; `X as X` names are public too (they were
# importable from the single module this package replaced), just not star-exported.
__all__ = ["EVAL_FILES", "KINDS", "PHENOMENA", "SEED_FILES", "RUDataReport",
           "build_ru_dataset", "check_disjoint", "generate_ru_pairs", "load_items",
           "object_phenomena", "render_metric", "render_speed", "variation_kind", "write_items"]

"""autommlab: natural-language request -> trained, exported, verified vision model.

The public API is this handful of names; everything else is internal and may change.

    from autommlab import get_parser, load_cards, select_dataset, select_model
    config = get_parser("rules").parse("a detector for forklifts, under 10M params").config
    zoo = load_cards()
    data, model = select_dataset(config, zoo.datasets), select_model(config, zoo.models)

    from autommlab import RunOptions, run_pipeline
    record = run_pipeline("classify sneakers and sandals, ONNX", RunOptions(budget="small"))
    record.export_prefix, record.report_file
"""

from __future__ import annotations

from autommlab.lazy import lazy_exports

__version__ = "0.1.0"

# Lazy re-exports (Ray Tune's pattern): importing autommlab does not import the store's
# boto3, the zoo's YAML loading or WordNet until a name is used.
_EXPORTS = {
    "RequestConfig": "autommlab.understand.schema",
    "get_parser": "autommlab.understand.base",
    "Parser": "autommlab.understand.base",
    # not "select": that name is the subpackage autommlab.select once it is imported
    "select_dataset": "autommlab.select.data",
    "select_model": "autommlab.select.model",
    "load_cards": "autommlab.zoo.catalog",
    "open_store": "autommlab.store",
    "AutommlabError": "autommlab.errors",
    # the whole pipeline: what the CLI, the operator and the gateway call
    "run_pipeline": "autommlab.pipeline.run",
    "resume_pipeline": "autommlab.pipeline.run",
    "RunOptions": "autommlab.pipeline.options",
}
__all__ = [*_EXPORTS, "__version__"]

__getattr__ = lazy_exports(__name__, _EXPORTS)

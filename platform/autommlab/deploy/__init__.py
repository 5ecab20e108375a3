"""Deployment: export a trained model to ONNX, verify it, measure it, publish it.

    from autommlab.deploy import deploy
    result = deploy(train.config_file, train.checkpoint, "detection", data_root,
                    constraints, store, tenant="team-a", request_id="req-42")
    result.verification.passed, result.benchmark.latency_ms_p50, result.store_prefix

`deploy` runs the steps in order (export -> verify -> benchmark -> constraint checks ->
publish); each step is also usable alone: `export_onnx`, `check_constraints`,
`publish_export` here, and `autommlab.deploy.verify.verify` /
`autommlab.deploy.benchmark.benchmark` (not re-exported: a package attribute named like a
submodule is replaced by the submodule once it is imported). Names are imported lazily:
importing this package does not import torch, a toolbox or MMDeploy.
"""

from __future__ import annotations

from autommlab.lazy import lazy_exports

_EXPORTS = {
    "deploy": "autommlab.deploy.run",
    "export_onnx": "autommlab.deploy.export",
    "check_constraints": "autommlab.deploy.checks",
    "resolve_backend": "autommlab.deploy.backends",
    "assemble_export": "autommlab.deploy.publish",
    "publish_export": "autommlab.deploy.publish",
    "build_deploy_config": "autommlab.deploy.deploy_configs",
    "DeployResult": "autommlab.deploy.records",
    "ExportedModel": "autommlab.deploy.records",
    "VerificationReport": "autommlab.deploy.records",
    "BenchmarkReport": "autommlab.deploy.records",
    "ConstraintCheck": "autommlab.deploy.records",
    "BackendOutcome": "autommlab.deploy.records",
}
__all__ = list(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)

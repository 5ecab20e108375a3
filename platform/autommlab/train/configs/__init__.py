"""Per-task MMEngine config builders (one module per toolbox, self-registering)."""

from autommlab.train.configs.base import TaskParts, get_task_builder, register_task_builder

__all__ = ["TaskParts", "get_task_builder", "register_task_builder"]

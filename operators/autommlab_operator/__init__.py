"""Kubernetes operator for ModelRequest resources (kopf). Not built yet: see the issues."""

"""Request understanding: text -> RequestConfig, with pluggable backends."""

from autommlab.understand.base import (
    Parser,
    ParseResult,
    available_parsers,
    get_parser,
    register_parser,
)
from autommlab.understand.schema import RequestConfig

__all__ = ["ParseResult", "Parser", "RequestConfig", "available_parsers", "get_parser",
           "register_parser"]

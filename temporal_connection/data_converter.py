"""Payloads are pydantic models, converted by Temporal's pydantic data converter."""

from __future__ import annotations

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter

from settings import Settings


def build_data_converter(settings: Settings) -> DataConverter:
    return pydantic_data_converter

"""Payloads are pydantic models, converted by Temporal's pydantic data converter and encrypted by
the AES-GCM codec. Failure messages and stack traces are encoded too, so an exception that
quotes personal data never reaches the history in clear text."""

from __future__ import annotations

import base64
import dataclasses

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, DefaultFailureConverter

from settings import Settings
from temporal_connection.encryption_codec import EncryptionCodec


def encryption_codec(settings: Settings) -> EncryptionCodec:
    keys = {
        key_id: base64.b64decode(secret.get_secret_value())
        for key_id, secret in settings.payload_encryption_keys.items()
    }
    return EncryptionCodec(keys, settings.payload_encryption_active_key)


def build_data_converter(settings: Settings) -> DataConverter:
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=encryption_codec(settings),
        failure_converter_class=_EncodedFailureConverter,
    )


class _EncodedFailureConverter(DefaultFailureConverter):
    def __init__(self) -> None:
        super().__init__(encode_common_attributes=True)

"""Payloads are pydantic models, converted by Temporal's pydantic data converter and encrypted by
the AES-GCM codec. Failure messages and stack traces are encoded too, so an exception that
quotes personal data never reaches the history in clear text."""

from __future__ import annotations

import copy
import dataclasses
from typing import Self

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverter,
    SerializationContext,
    WithSerializationContext,
)

from settings import PartySettings, Settings
from temporal_connection.encryption_codec import EncryptionCodec


def encryption_codec(settings: PartySettings) -> EncryptionCodec:
    """The party's own key ring, and for the orchestrator each agency's, for what it sends them."""
    peers = (
        {agency: keys.ring() for agency, keys in settings.peer_payload_keys.items()}
        if isinstance(settings, Settings)
        else {}
    )
    return EncryptionCodec(settings.payload_keys.ring(), peers)


def build_data_converter(settings: PartySettings) -> DataConverter:
    return CodecContextDataConverter(
        payload_converter_class=pydantic_data_converter.payload_converter_class,
        payload_codec=encryption_codec(settings),
        failure_converter_class=_EncodedFailureConverter,
    )


# Converters kept for reuse, one per labelled codec: a worker's open workflows, with room to spare.
_LABELLED_KEPT = 4096


@dataclasses.dataclass(frozen=True)
class CodecContextDataConverter(DataConverter):
    """Of its parts, only the codec uses the serialization context (to label each payload with
    its workflow). The SDK asks for a converter in the context of nearly every payload a workflow
    writes; the stock one rebuilds every part each time, which a profile showed cost a fifth of
    the worker's time. This one swaps in the labelled codec, shares the rest, and keeps the
    result for the next payload of the same workflow."""

    # By the labelled codec's identity; the codec is kept beside its converter so that the
    # identity is not reused while the entry stands. Shared by the clones made here (a copy);
    # a converter the SDK derives with `dataclasses.replace` starts a cache of its own.
    _labelled: dict[int, tuple[object, Self]] = dataclasses.field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def with_context(self, context: SerializationContext) -> Self:
        codec = self.payload_codec
        if not isinstance(codec, WithSerializationContext):
            return self
        converter = self.payload_converter
        if (
            isinstance(converter, WithSerializationContext)
            and converter.with_context(context) is not converter
        ):
            return super().with_context(context)
        labelled = codec.with_context(context)
        if labelled is codec:
            return self
        kept = self._labelled.get(id(labelled))
        if kept is not None:
            return kept[1]
        if len(self._labelled) >= _LABELLED_KEPT:
            self._labelled.clear()
        clone = copy.copy(self)
        object.__setattr__(clone, "payload_codec", labelled)
        self._labelled[id(labelled)] = (labelled, clone)
        return clone


class _EncodedFailureConverter(DefaultFailureConverter):
    def __init__(self) -> None:
        super().__init__(encode_common_attributes=True)

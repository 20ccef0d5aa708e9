"""Connect to Temporal as the settings say: a local dev server, a self-hosted cluster with mTLS,
or Temporal Cloud with an API key."""

from __future__ import annotations

from pathlib import Path

from temporalio.client import Client
from temporalio.service import TLSConfig

from settings import PartySettings
from temporal_connection.data_converter import build_data_converter
from temporal_connection.runtime import process_runtime


def tls_config(settings: PartySettings) -> TLSConfig | bool:
    has_files = any(
        path is not None
        for path in (
            settings.temporal_tls_server_ca_path,
            settings.temporal_tls_client_cert_path,
            settings.temporal_tls_client_key_path,
        )
    )
    if not has_files:
        # An API key (Temporal Cloud) always travels over TLS.
        return settings.temporal_tls or settings.temporal_api_key is not None

    def read(path: Path | None) -> bytes | None:
        return path.read_bytes() if path is not None else None

    return TLSConfig(
        server_root_ca_cert=read(settings.temporal_tls_server_ca_path),
        client_cert=read(settings.temporal_tls_client_cert_path),
        client_private_key=read(settings.temporal_tls_client_key_path),
        domain=settings.temporal_tls_server_name,
    )


async def connect(settings: PartySettings, *, lazy: bool = False) -> Client:
    """`lazy` defers the connection to the first call, so a process can start (and report
    itself unhealthy) while Temporal is unreachable."""
    api_key = settings.temporal_api_key
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=build_data_converter(settings),
        tls=tls_config(settings),
        api_key=api_key.get_secret_value() if api_key is not None else None,
        lazy=lazy,
        runtime=process_runtime(settings.metrics_bind_address),
    )

"""The codec server: decodes the encrypted payloads for operators in the Temporal Web UI and CLI."""

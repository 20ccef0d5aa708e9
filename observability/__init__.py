"""Logging, metrics and the context they carry."""

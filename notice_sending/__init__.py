"""Telling declarants: the notices their declarations keep in the store, sent as messages."""

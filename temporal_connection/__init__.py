"""How every process reaches Temporal: connection settings, data conversion, search attributes."""

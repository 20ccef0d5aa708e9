"""The whole stack on one machine: for `make run`, the tests and the benchmark."""

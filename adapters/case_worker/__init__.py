"""The case worker every agency runs in its own namespace: its Nexus handlers open cases, each
case's workflow submits to the agency's system and waits for the decision its feed brings, and
an approved record is issued as the agency's signed document."""

"""Sandbox agency systems: real HTTP services, each with its own database and rules, standing in
for the justice office, the police, social security and the postal service."""

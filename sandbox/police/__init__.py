"""The police's residence system and the national population registry.

Registers a newborn's permanent residence (the parents must be living people in the registry and
the commune must exist), removes a deceased person's registration and marks them deceased.
"""

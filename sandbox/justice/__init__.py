"""The justice office's civil-status system: registers births and deaths.

A birth record obtains the child's personal identification number, well formed and unique in the
national population database; a death can be registered once per person.
"""

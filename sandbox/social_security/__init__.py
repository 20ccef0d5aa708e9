"""Viet Nam Social Security's system: health-insurance cards for children under 6, and the
funeral allowance and survivor benefit on a death, computed from its own records."""

"""Legal deadlines counted in Viet Nam's working days."""

"""The portal intake API: the national portal submits declarations here and polls their status."""

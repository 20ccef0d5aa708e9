"""The justice office's side: its desk in its case worker."""

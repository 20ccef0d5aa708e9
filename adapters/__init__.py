"""Each agency's side of the boundary, which runs in the agency's own namespace with the
agency's own credentials: one folder per agency (its desk: what is particular to it), and the
case worker every agency runs (`case_worker/`)."""

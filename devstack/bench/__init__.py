"""The benchmark: the product end to end through the portal API, beside a bare workflow of the
same shape, on the same server and worker settings, in the same run."""

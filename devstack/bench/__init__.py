"""The benchmark: the product end to end through the portal API, beside a bare workflow of the
same shape, on the same server and worker settings, in the same run.

`__main__` is the command line; `stack` starts the stack through the one launcher; `phases` runs
the load phases on it, with `load` filing the declarations and starting the bare workflows;
`readings` reads the processes' CPU and memory, `profiling` samples them with py-spy, and
`report` turns the phases into the results. `baseline` and `baseline_worker` are the bare
workflow and the processes that run it."""

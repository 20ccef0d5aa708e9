"""What the tests run against, one job a module:

- `store_mode`: which store the session uses (SQLite, or PostgreSQL as deployed).
- `session_services`: the Temporal dev server, the sandbox agencies and the store, once a session.
- `configuration`: the settings of a test stack and of its agencies, and as worker environments.
- `shared_workers`: the worker processes a PostgreSQL-mode session shares between its tests.
- `stack`: one test's stack: the portal API, its workers, and clients of every party.
- `portal`: the portal as the tests drive it: its credentials, filing, reading a step.
- `agency_offices`: the agencies' systems: their cases, their officers, their decision policy.
- `supplement_requests`: what the officers ask the citizen for when they request a supplement.
- `waiting`: waiting for a declaration, a step or the visibility store to catch up.
- `api_process`: the portal API as a process of its own.
- `postgres_server`: a throwaway PostgreSQL server.
- `forged_tokens`: tokens no honest issuer would sign.
- `scenario_people`: hand-made people added to the sandbox dataset.
- `intake_checks`: what the portal answers to a declaration body, computed without a server.
"""

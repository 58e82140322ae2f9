"""The throughput benchmark's parts (``python -m benchmarks throughput`` runs them).

``options``: what the benchmark takes; ``scenarios``: what is read (the two connectors' main
report streams, and the floor manifests in ``floor/`` and ``floor_incremental/``, with their
answers derived from the TikTok recording); ``recording``: request keys, the recording and static
apps, recordings on disk; ``cache``: recordings made once per version of a connector;
``measure``: one ``source-declarative-manifest`` process's records and CPU; ``runs``: a scenario
measured (median of several processes) or profiled; ``comparison``: connectors against the
floors, a what-if against the figures without it; ``what_if/``: changes measured without
shipping them (a ``sitecustomize`` per change); ``profiled_read``: the same read in one process
with every thread profiled; ``profile_table``: the markdown tables made of it.
"""

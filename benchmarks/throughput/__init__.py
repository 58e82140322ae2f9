"""The throughput benchmark's parts (``python -m benchmarks throughput`` runs them).

``scenarios``: what is read (the two connectors' main report streams, and the floor manifest in
``floor/``); ``recording``: request keys, the recording and static apps, recordings on disk;
``cache``: recordings made once per version of a connector; ``measure``: one
``source-declarative-manifest`` process's records and CPU; ``profiled_read``: the same read in
one process with every thread profiled; ``profile_table``: the markdown tables made of it.
"""

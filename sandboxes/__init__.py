"""Local, deterministic stand-ins for the APIs this project talks to.

Each sandbox is a small stateful HTTP app served on the loopback interface by
:class:`sandboxes.base.SandboxServer`. Tests, ``make demo`` and ``make bench`` use them so that
nothing needs credentials or a network.
"""

"""``python -m sandboxes.airbyte``: serve the Airbyte Config API sandbox (see ``--help``)."""

from sandboxes.airbyte.cli import main

raise SystemExit(main())

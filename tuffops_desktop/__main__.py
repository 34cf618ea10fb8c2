"""``python -m tuffops_desktop`` is the ``tuffops`` command."""

from tuffops_desktop.cli import main

raise SystemExit(main())

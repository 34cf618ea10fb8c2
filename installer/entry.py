"""The frozen app's entry point: the ``tuffops`` command (``tuffops_desktop.cli``)."""

from tuffops_desktop.cli import main

raise SystemExit(main())

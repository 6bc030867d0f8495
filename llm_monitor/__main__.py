"""``python -m llm_monitor``: the offline tools (see ``python -m llm_monitor --help``)."""

import sys

from llm_monitor.preview.cli import main

sys.exit(main())

"""The llm-monitor component package's plugin: hosts BedrockMonitoring for programs in any Pulumi language.

PulumiPlugin.yaml (``main: provider``) makes the Pulumi CLI run this file when a program has added
the package (``pulumi package add <repo>@<tag>``); the CLI installs requirements.txt (this project,
with its dependencies) into the plugin's virtualenv first. The schema is inferred from the
component's type annotations; provider/schema.json is a copy the tests keep up to date.
"""

import sys
from pathlib import Path

# This project's package, from the checkout the CLI cloned (requirements.txt installs it too).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from llm_monitor import __version__
from llm_monitor.components.package import COMPONENTS, NAME

if __name__ == "__main__":
    from pulumi.provider.experimental import component_provider_host

    component_provider_host(components=COMPONENTS, name=NAME, version=__version__)

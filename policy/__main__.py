"""The llm-monitor policy pack; run it with ``pulumi preview --policy-pack policy``."""

from policies import POLICIES
from pulumi_policy import PolicyPack

PolicyPack(name="llm-monitor", policies=POLICIES)

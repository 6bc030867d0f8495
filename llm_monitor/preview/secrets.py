"""Secret config values in an offline preview: a placeholder goes in, ``[secret]`` comes out.

``pulumi config set --secret`` stores ciphertext (``secure: v1:...``) that only the CLI can decrypt,
at the top level or, with ``--path``, anywhere inside structured config
(``llm-monitor:notifications: {httpsEndpoints: [{secure: v1:...}]}``). The preview cannot decrypt
it, so it hands the program a **placeholder** in its place, and keeps every placeholder out of
what it writes.

How a placeholder is chosen:

- it is derived from the value's key path only (``secret-`` + 12 hex digits of its SHA-256), so a
  stack always previews the same way: re-encrypting a value (new ciphertext, maybe the same
  plaintext) changes nothing;
- it has the shape the key's name implies, so that it passes the program's validation where the
  plaintext would: a key named like ``emails``/``email`` gets ``secret-…@example.invalid``, one
  named like ``…Url``/``…Endpoints`` gets ``https://secret.invalid/secret-…``, one named like
  ``…Arns`` gets an SNS topic ARN in the stack's Region; any other key gets the bare token. The
  ``.invalid`` names (RFC 2606) can never reach anybody;
- Pulumi decrypts every secret to a *string*, so a secret where the program wants a number, a
  list or an object fails validation in ``pulumi up`` as well; the preview says so next to the
  error (``explain``).

What keeps them out of the output:

1. the CLI marks every top-level key holding a secret as secret for the program
   (``config.Map.SecureKeys``), and values the program wraps in ``Output.secret`` reach the mock
   monitor with the SDK's secret signature: the runner records those as ``[secret]``;
2. belt and braces: every string the runner records, and every text file the preview writes, has
   each placeholder (and its token, in case the program reshaped it) replaced by ``[secret]``;
3. before an output folder is published, its bytes (and the text chunks of its PNGs) are searched
   for any placeholder, token or ciphertext (``leaks``); a hit fails the run.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi.runtime import rpc

from llm_monitor.aws import partition

REDACTED = "[secret]"
#: Shapes by the last name in the key path (list indexes ignored), first match wins.
_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"e-?mails?", re.IGNORECASE), "email"),
    (re.compile(r".*(url|urls|endpoint|endpoints)", re.IGNORECASE), "url"),
    (re.compile(r".*arns?", re.IGNORECASE), "arn"),
)
_LAST_NAME = re.compile(r"([^.:\[\]]+)(\[\d+\])*$")
_ERROR_LINE = re.compile(r"^(?P<indent>\s*- )(?P<path>[^\s]+?): (?P<message>.*)$")


@dataclass(frozen=True)
class Secret:
    path: str
    """Key path as the program's config errors write it, e.g. ``llm-monitor:notifications.emails[0]``."""
    token: str
    placeholder: str
    ciphertext: str


@dataclass
class Secrets:
    """The placeholders of one stack's secrets; redacts them (and SDK secrets) from what is written."""

    region: str = "us-east-1"
    found: list[Secret] = field(default_factory=list)

    def stand_in(self, path: str, ciphertext: str) -> str:
        """The placeholder for the secret at ``path`` (recorded for redaction)."""
        token = "secret-" + hashlib.sha256(path.encode()).hexdigest()[:12]
        name = _LAST_NAME.search(path)
        shape = next((s for p, s in _SHAPES if name and p.fullmatch(name.group(1))), "token")
        placeholder = {
            "email": f"{token}@example.invalid",
            "url": f"https://secret.invalid/{token}",
            "arn": f"arn:{partition(self.region)}:sns:{self.region}:000000000000:{token}",
        }.get(shape, token)
        self.found.append(Secret(path, token, placeholder, ciphertext))
        return placeholder

    def replace_secure(self, value: Any, path: str) -> Any:
        """``value`` with every ``{secure: <ciphertext>}`` at or below ``path`` replaced by its placeholder."""
        if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("secure"), str):
            return self.stand_in(path, value["secure"])
        if isinstance(value, dict):
            return {k: self.replace_secure(v, f"{path}.{k}") for k, v in value.items()}
        if isinstance(value, list):
            return [self.replace_secure(v, f"{path}[{i}]") for i, v in enumerate(value)]
        return value

    def under(self, path: str) -> bool:
        """Whether a secret is at ``path`` or inside it."""
        return any(_within(s.path, path) for s in self.found)

    def _needles(self) -> Iterator[str]:
        # Longest first: a placeholder contains its token.
        for secret in self.found:
            yield secret.placeholder
        for secret in self.found:
            yield secret.token

    def scrub(self, text: str) -> str:
        """``text`` with every placeholder and token replaced by ``[secret]``."""
        for needle in self._needles():
            text = re.sub(re.escape(needle), REDACTED, text, flags=re.IGNORECASE)
        return text

    def redact(self, value: Any) -> Any:
        """A recorded value: SDK secrets become ``[secret]``, placeholders are scrubbed from every string."""
        if rpc.is_rpc_secret(value):
            return REDACTED
        if isinstance(value, dict):
            return {self.scrub(str(k)): self.redact(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.redact(v) for v in value]
        if isinstance(value, str):
            return self.scrub(value)
        return value

    def explain(self, error: str) -> str:
        """A config error with placeholders scrubbed, and a note on each problem at a secret's path."""
        lines = []
        for line in self.scrub(error).splitlines():
            match = _ERROR_LINE.match(line)
            if match and any(_within(match["path"], s.path) for s in self.found):
                line += (
                    " (this value is a secret: the offline preview cannot decrypt it and stands in a "
                    "placeholder string, and Pulumi also decrypts it to a string; encrypt only the "
                    "sensitive strings, e.g. `pulumi config set --secret --path 'notifications.emails[0]' ...`, "
                    "or preview a copy of the stack file with test values and --stack-file)"
                )
            lines.append(line)
        return "\n".join(lines)

    def leaks(self, directory: Path) -> list[str]:
        """``file: what`` for every placeholder, token or ciphertext found in the files under ``directory``."""
        needles = [*self._needles(), *(s.ciphertext for s in self.found)]
        if not needles:
            return []
        found = []
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            texts = [path.read_bytes().decode("latin-1")]
            if path.suffix == ".png":
                texts += _png_texts(path)
            for needle in needles:
                if any(needle.lower() in text.lower() for text in texts):
                    secret = next(s for s in self.found if needle in (s.placeholder, s.token, s.ciphertext))
                    found.append(f"{path.relative_to(directory)}: the stand-in for {secret.path}")
        return sorted(set(found))


def _within(problem_path: str, secret_path: str) -> bool:
    return problem_path == secret_path or problem_path.startswith((f"{secret_path}.", f"{secret_path}["))


def _png_texts(path: Path) -> list[str]:
    """The (decompressed) text chunks of a PNG: compressed chunks hide their text from a byte search."""
    from PIL import Image

    with Image.open(path) as image:
        image.load()
        return [str(v) for v in getattr(image, "text", {}).values()]

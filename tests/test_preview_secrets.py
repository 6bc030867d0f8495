"""Secret config (``secure:`` values anywhere in the stack file): placeholders in, ``[secret]`` out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image
from pulumi.runtime import rpc

from llm_monitor.preview import stackconfig
from llm_monitor.preview.output import OutputError, PreviewDir
from llm_monitor.preview.secrets import REDACTED, Secrets
from tests.program import ROOT, fixture_config, run_preview

SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"


def secure(name: str) -> dict[str, str]:
    """What `pulumi config set --secret` writes (the ciphertext here is made up, and unique per value)."""
    return {"secure": f"v1:{name}Q2lwaGVydGV4dC1vZi1{name}=="}


def secret_stack(tmp_path: Path) -> Path:
    """dev's config with secrets at the top level, inside objects and inside lists."""
    config = fixture_config("dev")
    config["aws:secretKey"] = secure("top")  # top-level key (`pulumi config set --secret aws:secretKey`)
    config["llm-monitor:tags"]["Owner"] = secure("owner")  # in an object: lands in the provider's default tags
    config["llm-monitor:logs"]["invocationLogging"]["largeDataS3"] = {"bucketName": secure("bucket")}
    config["llm-monitor:logs"]["invocationLogging"]["dataTypes"] = ["text", "image"]
    config["llm-monitor:notifications"] = {
        "emails": ["ml-platform-dev@example.com", secure("email")],  # in a list, not wrapped by the program
        "httpsEndpoints": [secure("url")],  # in a list, wrapped in Output.secret by the program
        "topicArns": [secure("arn")],
    }
    path = tmp_path / "Pulumi.secrets.yaml"
    path.write_text(yaml.safe_dump({"config": config}, sort_keys=False), encoding="utf-8")
    return path


def texts(directory: Path) -> dict[str, str]:
    """Every file's bytes (as text), plus the decompressed text chunks of every PNG."""
    found = {}
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        found[str(path.relative_to(directory))] = path.read_bytes().decode("latin-1")
        if path.suffix == ".png":
            with Image.open(path) as image:
                image.load()
                found[f"{path.relative_to(directory)} (text chunks)"] = json.dumps(getattr(image, "text", {}))
    return found


def test_secrets_at_any_path_preview_and_never_reach_the_output(tmp_path: Path) -> None:
    stack_file = secret_stack(tmp_path)
    config = stackconfig.load(ROOT, "secrets", stack_file)
    stand_ins = {s.path: s for s in config.secrets.found}
    assert set(stand_ins) == {
        "aws:secretKey",
        "llm-monitor:tags.Owner",
        "llm-monitor:logs.invocationLogging.largeDataS3.bucketName",
        "llm-monitor:notifications.emails[1]",
        "llm-monitor:notifications.httpsEndpoints[0]",
        "llm-monitor:notifications.topicArns[0]",
    }
    # Pulumi marks the whole top-level key secret when anything inside it is (config.Map.SecureKeys).
    assert set(config.secret_keys) == {
        "aws:secretKey",
        "llm-monitor:tags",
        "llm-monitor:logs",
        "llm-monitor:notifications",
    }

    first, second = tmp_path / "first", tmp_path / "second"
    completed = run_preview("--stack", "secrets", "--stack-file", str(stack_file), "--out", str(first))
    assert completed.returncode == 0, completed.stderr
    # A second run diffs against the first, so diff.json is written too (and every file is searched).
    completed = run_preview(
        "--stack", "secrets", "--stack-file", str(stack_file), "--out", str(second), "--diff", str(first)
    )
    assert completed.returncode == 0, completed.stderr
    files = texts(second)
    assert {"resources.json", "outputs.json", "cost.json", "diff.json", "summary.md"} <= set(files)
    assert any(name.endswith(".png (text chunks)") for name in files)
    forbidden = [n for s in stand_ins.values() for n in (s.placeholder, s.token, s.ciphertext, s.ciphertext[3:])]
    for name, text in files.items():
        for needle in forbidden:
            assert needle.lower() not in text.lower(), f"{needle!r} written to {name}"
    for output in (completed.stdout, completed.stderr):
        assert not any(needle in output for needle in forbidden)

    resources = json.loads((second / "resources.json").read_text())
    # Pulumi marks the whole llm-monitor:notifications key secret, so the program keeps every endpoint
    # secret, the plain address too: it cannot tell which one was encrypted (pulumi up cannot either).
    endpoints = sorted(r["inputs"]["endpoint"] for r in resources if r["type"] == SUBSCRIPTION)
    assert endpoints == [REDACTED] * 3
    # The roll-ups' actions name the pager topic: Pulumi stores the whole list as one secret.
    assert {r["inputs"]["alarmActions"] for r in resources if r["type"] == COMPOSITE} == {REDACTED}
    tagged = [r for r in resources if "tags" in r["inputs"]]
    assert tagged
    assert {json.dumps(r["inputs"]["tags"]) for r in tagged} == {json.dumps(REDACTED)}  # the map, as one secret
    (logging,) = [r for r in resources if r["type"].startswith("aws:bedrockmodel/")]
    # A secret anywhere in a top-level input makes Pulumi store the whole input as one secret.
    assert logging["inputs"]["loggingConfig"] == REDACTED  # it holds the bucket name
    (policy,) = [r for r in resources if r["type"] == "aws:iam/policy:Policy"]
    assert policy["inputs"]["policy"] == REDACTED  # it names the bucket


def test_placeholders_have_the_shape_their_key_implies_and_depend_only_on_the_path() -> None:
    secrets = Secrets("eu-west-1")
    email = secrets.stand_in("llm-monitor:notifications.emails[0]", "v1:a")
    url = secrets.stand_in("llm-monitor:notifications.httpsEndpoints[2]", "v1:b")
    arn = secrets.stand_in("llm-monitor:notifications.topicArns[0]", "v1:c")
    other = secrets.stand_in("llm-monitor:tags.Owner", "v1:d")
    assert email.endswith("@example.invalid")
    assert url.startswith("https://secret.invalid/")
    assert arn.startswith("arn:aws:sns:eu-west-1:000000000000:")
    assert other.startswith("secret-")
    assert "@" not in other
    # Re-encrypting a value (new ciphertext) changes nothing; another path gets another placeholder.
    assert Secrets().stand_in("llm-monitor:tags.Owner", "v1:other") == other
    assert Secrets().stand_in("llm-monitor:tags.Team", "v1:d") != other
    assert len({email, url, arn, other}) == 4


def test_secure_values_are_found_at_any_depth_and_only_in_the_secure_shape() -> None:
    secrets = Secrets()
    value = {"a": [{"b": {"secure": "v1:x"}}], "c": {"secure": 5}, "d": {"secure": "v1:y", "other": 1}}
    replaced = secrets.replace_secure(value, "p:k")
    assert [s.path for s in secrets.found] == ["p:k.a[0].b"]
    assert replaced["a"][0]["b"] == secrets.found[0].placeholder
    assert replaced["c"] == {"secure": 5}  # not a string: not ciphertext (pulumi config/object.go isSecureValue)
    assert replaced["d"] == {"secure": "v1:y", "other": 1}


def test_redaction_covers_sdk_secrets_and_reshaped_placeholders() -> None:
    secrets = Secrets()
    placeholder = secrets.stand_in("llm-monitor:notifications.emails[0]", "v1:x")
    token = secrets.found[0].token
    recorded: dict[str, Any] = {
        "endpoint": rpc.wrap_rpc_secret("https://hooks.example.com/T0/B0/plain"),
        "tags": json.dumps({"Owner": placeholder}),
        "upper": token.upper(),
        "list": [placeholder, 3],
    }
    assert secrets.redact(recorded) == {
        "endpoint": REDACTED,
        "tags": json.dumps({"Owner": REDACTED}),
        "upper": REDACTED,
        "list": [REDACTED, 3],
    }


def test_a_secret_where_the_program_wants_a_number_is_a_clear_config_error(tmp_path: Path) -> None:
    config = fixture_config("dev")
    config["llm-monitor:logs"]["retentionDays"] = secure("days")
    stack_file = tmp_path / "Pulumi.n.yaml"
    stack_file.write_text(yaml.safe_dump({"config": config}), encoding="utf-8")
    completed = run_preview("--stack", "n", "--stack-file", str(stack_file), "--out", str(tmp_path / "o"))
    assert completed.returncode == 2
    assert "llm-monitor:logs.retentionDays" in completed.stderr
    assert "this value is a secret" in completed.stderr
    assert "[secret]" in completed.stderr
    assert "secret-" not in completed.stderr.replace("[secret]", "")
    assert "Traceback" not in completed.stderr
    assert not (tmp_path / "o").exists()


def test_a_preview_that_would_reveal_a_stand_in_is_not_published(tmp_path: Path) -> None:
    """The last line of defence: publish() searches the bytes written, including what bypassed scrubbing."""
    secrets = Secrets()
    placeholder = secrets.stand_in("llm-monitor:tags.Owner", "v1:x")
    out = tmp_path / "o"
    out.mkdir()
    (out / "summary.md").write_text("the previous preview")
    with PreviewDir(out, secrets) as preview:
        preview.write_text("summary.md", f"owner {placeholder}")  # scrubbed on the way in
        assert (preview.tmp / "summary.md").read_text() == f"owner {REDACTED}"
        preview.write_bytes("resources.json", placeholder.encode())  # bytes are not scrubbed
        with pytest.raises(OutputError, match=r"llm-monitor:tags\.Owner"):
            preview.publish()
    assert (out / "summary.md").read_text() == "the previous preview"
    assert [p.name for p in tmp_path.iterdir()] == ["o"]  # the temporary folder is gone

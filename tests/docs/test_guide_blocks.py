"""The reader of the guide-command convention picks out exactly the typed commands."""

from __future__ import annotations

from pathlib import Path

from tests.docs.guides import console_commands

SAMPLE = """# A guide

```console
$ rvr-verify bundle \\
    --trusted-root root.pem
Verdict: PASS
$ echo $?
0
```

```text
$ not-a-command
```

```sh
$ also-not-run
```
"""


def test_only_dollar_lines_in_console_blocks_are_commands(tmp_path: Path) -> None:
    guide = tmp_path / "guide.md"
    guide.write_text(SAMPLE, encoding="utf-8")
    assert console_commands(guide) == [
        "rvr-verify bundle --trusted-root root.pem",
        "echo $?",
    ]

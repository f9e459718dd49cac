"""Runs every Python block of the README, in order, as a user would copy them: from the
repository root, with whatever interpreter runs this (scripts/test uses a fresh virtualenv with
the wheel installed as the README says). Exits non-zero on the first block that fails."""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import traceback
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def main() -> int:
    os.chdir(README.parent)  # the blocks read the sample data from the repository root
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    if not blocks:
        print("the README has no Python block", file=sys.stderr)
        return 1
    for i, block in enumerate(blocks, 1):
        printed = io.StringIO()  # what a block prints is shown only when it fails
        try:
            with contextlib.redirect_stdout(printed):
                exec(compile(block, f"README.md (Python block {i})", "exec"), {"__name__": "__main__"})
        except Exception:  # noqa: BLE001  (report which block, then fail)
            print(printed.getvalue())
            traceback.print_exc()
            print(f"README Python block {i} of {len(blocks)} failed", file=sys.stderr)
            return 1
    print(f"{len(blocks)} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

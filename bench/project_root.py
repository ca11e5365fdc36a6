"""Puts the project root on `sys.path`, so a benchmark run as `python bench/x.py` can import the
tests' fakes (`tests.fakes.slack`) as well as the installed packages.

    import project_root  # noqa: F401 - before `from tests...`
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

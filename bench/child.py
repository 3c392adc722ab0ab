"""``python -m bench.child <task> <json args>``: one measurement in a fresh interpreter.

Prints one JSON line (the result) on stdout; progress goes to stderr.
"""

from __future__ import annotations

import importlib
import json
import sys

TASKS = {
    "reindex": ("bench.search_bench", "child_reindex"),
    "search": ("bench.search_bench", "child_search"),
    "commit": ("bench.search_bench", "child_commit"),
    "cold": ("bench.search_bench", "child_cold"),
    "baseline_build": ("bench.baselines", "child_build"),
    "baseline_query": ("bench.baselines", "child_query"),
    "import": ("bench.import_bench", "child_import"),
    "reports": ("bench.reports_bench", "child_reports"),
    "app_drive": ("bench.app_bench", "child_drive"),
    "team_first_sync": ("bench.team_bench", "child_first_sync"),
    "team_change_visible": ("bench.team_bench", "child_change_visible"),
    "team_push": ("bench.team_bench", "child_push"),
    "team_black_hole": ("bench.team_bench", "child_black_hole"),
    "team_laptops": ("bench.team_bench", "child_laptops"),
    "index_stall": ("bench.index_stall", "child_stall"),
    "switch_stall": ("bench.index_stall", "child_switch_stall"),
    "rename_stall": ("bench.index_stall", "child_rename_stall"),
}


def main(argv: list[str]) -> int:
    task, raw = argv[0], (argv[1] if len(argv) > 1 else "{}")
    module, func = TASKS[task]
    result = getattr(importlib.import_module(module), func)(json.loads(raw))
    sys.stdout.write(json.dumps(result, default=str) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

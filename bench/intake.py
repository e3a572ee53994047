"""Run the three intake benchmarks the intake issue names, one after the other.

    (a) bench/intake_import.py    bulk CSV import: rows/s and peak memory as the file grows
    (b) bench/intake_openrosa.py  50 OpenRosa submissions/s for 30 s, exactly-once
    (c) bench/intake_replay.py    the full karabakh-2023 replay, 100,617 people

Each prints its machine line and its own PASS/FAIL; this prints a summary and exits
non-zero if any of them failed. Pass --only a/b/c to run one, --rows to size (a).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PARTS = {
    "a": ("CSV import", ["intake_import.py"]),
    "b": ("OpenRosa submissions", ["intake_openrosa.py"]),
    "c": ("karabakh-2023 replay", ["intake_replay.py"]),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=sorted(PARTS), action="append",
                        help="run only this part (repeatable); default: all three")
    parser.add_argument("--rows", nargs="+", default=["100000", "300000", "1000000"],
                        help="file sizes for (a), in person rows")
    args = parser.parse_args()
    results = []
    for key in args.only or sorted(PARTS):
        title, command = PARTS[key]
        extra = ["--rows", *args.rows] if key == "a" else []
        print(f"\n==== ({key}) {title}", flush=True)
        done = subprocess.run([sys.executable, str(HERE / command[0]), *extra], check=False)
        results.append((key, title, done.returncode))
    print("\n==== summary")
    for key, title, code in results:
        verdict = {0: "PASS", 2: "target missed"}.get(code, f"FAILED (exit {code})")
        print(f"  ({key}) {title}: {verdict}")
    return max((code for _, _, code in results), default=0)


if __name__ == "__main__":
    sys.exit(main())

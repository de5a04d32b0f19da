"""`make bench`: run every benchmark script in bench/ (each `*.py` but this one), in name order.

Each runs in its own process with its default arguments; the run stops at the first failure.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    for script in sorted(HERE.glob("*.py")):
        if script.name == Path(__file__).name:
            continue
        print(f"== {script.name}", flush=True)
        subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=True)


if __name__ == "__main__":
    main()

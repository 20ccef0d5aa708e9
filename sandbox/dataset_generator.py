"""Generate a synthetic sandbox dataset (every person's name and number made up, but well formed;
the places official).

    python -m sandbox.dataset_generator --out sandbox/data/default --seed 2026

The same seed always gives the same files, so the shipped default dataset can be regenerated and
compared byte for byte.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sandbox.synthesis.population import generate


def write_dataset(out: Path, seed: int, households: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, content in generate(seed, households).items():
        (out / name).write_text(
            json.dumps(content, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--households", type=int, default=900)
    args = parser.parse_args()
    write_dataset(args.out, args.seed, args.households)


if __name__ == "__main__":
    main()

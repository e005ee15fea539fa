"""Stage `prepare`: drop the features params.yaml lists, split train/test (seeded)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

TARGET = "level"


def main() -> None:
    params = yaml.safe_load(Path("params.yaml").read_text(encoding="utf-8"))["prepare"]
    df = pd.read_csv("data/raw/students.csv")
    drop = [c.strip() for c in str(params["drop_features"]).split(",")]
    df = df.drop(columns=[c for c in drop if c and c != "none"])
    test = df.sample(frac=params["test_size"], random_state=params["seed"])
    train = df.drop(index=test.index)
    out = Path("data/processed")
    out.mkdir(parents=True, exist_ok=True)
    train.to_csv(out / "train.csv", index=False)
    test.to_csv(out / "test.csv", index=False)
    print(f"prepare: {len(train)} train rows, {len(test)} test rows, {df.shape[1] - 1} features")


if __name__ == "__main__":
    main()

"""Stage `train`: fit a seeded gradient-boosting regressor on the ordinal level.

The fit time is the process's CPU seconds (time.process_time): on a busy shared machine
wall-clock time swings with the load, CPU time follows the work the parameters ask for.
It is the pipeline's only volatile value; it goes to reports/train.json (not cached).
"""

from __future__ import annotations

import json
import pickle
import time
from pathlib import Path

import pandas as pd
import yaml
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

TARGET = "level"


def main() -> None:
    params = yaml.safe_load(Path("params.yaml").read_text(encoding="utf-8"))["train"]
    train = pd.read_csv("data/processed/train.csv")
    x, y = train.drop(columns=[TARGET]), train[TARGET]
    categorical = [c for c in x.columns if not pd.api.types.is_numeric_dtype(x[c])]
    model = Pipeline(
        [
            (
                "encode",
                ColumnTransformer(
                    [("categorical", OneHotEncoder(handle_unknown="ignore"), categorical)],
                    remainder="passthrough",
                ),
            ),
            (
                "regressor",
                GradientBoostingRegressor(
                    n_estimators=params["n_estimators"],
                    learning_rate=params["learning_rate"],
                    max_depth=params["max_depth"],
                    random_state=params["seed"],
                ),
            ),
        ]
    )
    start = time.process_time()
    model.fit(x, y)
    train_time_s = time.process_time() - start
    Path("models").mkdir(exist_ok=True)
    with open("models/model.pkl", "wb") as fh:
        pickle.dump(model, fh, protocol=5)
    Path("reports").mkdir(exist_ok=True)
    Path("reports/train.json").write_text(
        json.dumps({"train_time_s": round(train_time_s, 4)}, indent=2) + "\n", encoding="utf-8"
    )
    print(f"train: fitted in {train_time_s:.3f} CPU s")


if __name__ == "__main__":
    main()

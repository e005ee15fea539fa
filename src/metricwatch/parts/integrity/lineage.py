"""The checklist items that read MLflow's registry and dataset inputs, for every release at once.

- "registered model version for this run" (`integrity.registered_model: NAME`): one registry
  search for the release runs (`read_registry_listing`), then `registered_version_item` per tag.
- "training data = the tag's data": the release runs' dataset inputs (`run_datasets`, one
  `get_run` per release run) against the tag's DVC hashes (`training_data_item`). The item is
  on when at least one release run logged a dataset (the project uses `mlflow.log_input`, e.g.
  through `metricwatch.track.log_lineage`): a release without one is then ❓. A project that logs
  no dataset at all gets no such item (there is nothing to compare, and every tag would be ❓).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from metricwatch.config import Config
from metricwatch.errors import MetricwatchError
from metricwatch.i18n.message import msg
from metricwatch.i18n.words import Words
from metricwatch.parts.integrity.dvc_items import ReleaseFiles
from metricwatch.parts.integrity.model import CheckItem
from metricwatch.parts.integrity.model_registry import ITEM as REGISTERED
from metricwatch.parts.integrity.model_registry import registered_version_item
from metricwatch.parts.integrity.training_data import training_data_item
from metricwatch.redact import scrub
from metricwatch.sources.mlflow_inputs import RunDataset, run_datasets
from metricwatch.sources.mlflow_registry import RegistryListing, read_registry_listing
from metricwatch.sources.views import MlflowSource


@dataclass(frozen=True)
class Lineage:
    """What the registry and the dataset inputs say about the release runs."""

    model: str | None = None  # integrity.registered_model
    listing: RegistryListing | None = None
    datasets: dict[str, list[RunDataset]] = field(default_factory=dict)
    notes: list[Words] = field(default_factory=list)

    @property
    def training_data(self) -> bool:
        """The item is on: some release run logged a dataset."""
        return any(self.datasets.values())


def read_lineage(cfg: Config, run_ids: list[str]) -> Lineage:
    """The registry listing (when a model is configured) and the release runs' datasets."""
    model = cfg.integrity.registered_model
    source = MlflowSource.of(cfg)
    listing = read_registry_listing(source, run_ids) if model else None
    notes: list[Words] = []
    try:
        datasets = run_datasets(source, run_ids)
    except MetricwatchError as exc:
        datasets = {}
        notes.append([msg("integrity.note.no_datasets", error=scrub(str(exc)))])
    return Lineage(model=model, listing=listing, datasets=datasets, notes=notes)


def runs_unavailable(cfg: Config, why: Words) -> list[CheckItem]:
    """The registry item of a tag when no run could be read (none when no model is set)."""
    if not cfg.integrity.registered_model:
        return []
    return [CheckItem(name=REGISTERED, status="unknown", why=why)]


def lineage_items(lin: Lineage, run_id: str | None, rel: ReleaseFiles, tag: str) -> list[CheckItem]:
    """The tag's registry and training-data items (each only when it is on)."""
    items = []
    if lin.model and lin.listing is not None:
        items.append(registered_version_item(run_id, lin.listing, lin.model))
    if lin.training_data:
        if run_id is None:
            why = [msg("integrity.reason.no_run_to_check")]
            items.append(CheckItem(name="training_data", status="unknown", why=why))
        else:
            items.append(training_data_item(lin.datasets.get(run_id, []), rel, tag))
    return items

"""Demo data: the batch files under samples/, uploaded as the agency would, in dependency order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from local.env import ROOT

ORDER = ["employers", "people", "history", "hi_cards", "voluntary", "payments", "declarations", "dossiers", "arrears"]
ORDER += ["benefits", "hi_claims"]


def sample_files(samples: Path = ROOT / "samples") -> list[tuple[str, Path]]:
    """(kind, path) of every sample file, kinds that others refer to first."""
    kinds = sorted((p for p in samples.iterdir() if p.is_dir()), key=lambda p: ([*ORDER, p.name]).index(p.name))
    return [(kind.name, f) for kind in kinds for f in sorted(kind.glob("*.csv"))]


def upload_samples(s3: Any, bucket: str, samples: Path = ROOT / "samples") -> list[str]:
    keys = []
    for kind, path in sample_files(samples):
        key = f"incoming/{kind}/{path.name}"
        s3.upload_file(str(path), bucket, key)
        keys.append(key)
    return keys

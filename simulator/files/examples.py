"""The example scenarios shipped with mlasim, and copying them into a folder of one's own.

The scenario files live in the checkout's top-level ``scenarios/`` folder; the wheel carries the
same files inside the package as ``simulator/scenarios/`` (hatch ``force-include``). An installed
mlasim finds them there; an editable install (``pip install -e .``) finds the checkout's folder.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path


def example_directory() -> Path:
    """Where the shipped example scenarios are: inside the package, or in the checkout."""
    packaged = Path(str(resources.files("simulator"))) / "scenarios"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "scenarios"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("the example scenarios are missing from this installation of mlasim")


def example_files() -> list[Path]:
    """The example scenario files, by name."""
    return sorted(example_directory().glob("*.toml"))


def copy_examples(directory: str | Path) -> list[Path]:
    """Copy the example scenarios into ``directory`` (created if needed); never overwrite a file."""
    directory = Path(directory)
    sources = example_files()
    taken = [directory / f.name for f in sources if (directory / f.name).exists()]
    if taken:
        raise FileExistsError(f"{taken[0]}: already exists; choose an empty folder")
    directory.mkdir(parents=True, exist_ok=True)
    copied = []
    for source in sources:
        shutil.copyfile(source, directory / source.name)
        copied.append(directory / source.name)
    return copied

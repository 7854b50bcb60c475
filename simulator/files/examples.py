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


#: The commented starting file of ``mlasim init --several-states``: the shipped baseline's requested
#: State beside one of the user's own, each a few lines (the file composes: simulator.files.compose).
SEVERAL_STATES = """\
# Two requested States: the shipped baseline's, and one of your own beside it.
# `extends` takes everything from the baseline (its requesting States, run settings, properties);
# each [[requested_state]] entry takes a State with `from` and changes what it writes after it.
# Check it with `mlasim validate`, run it with `mlasim run`; per-State figures follow the headline.
extends = "un-convention-baseline.toml"

[scenario]
name = "Two requested States: the baseline and mine"

[[requested_state]]
from = "un-convention-baseline.toml"     # the baseline's State as shipped
id = "baseline"

[[requested_state]]
from = "un-convention-baseline.toml"     # the same State, then changed below
id = "mine"
name = "My requested State"

# Change any setting of your State here, as nested tables of this entry, for instance:
[requested_state.safeguards.dual_criminality]
mode = "required"                        # Art 40(9) as a mandatory ground

[requested_state.safeguards.discrimination]
evidence_threshold = 0.6                 # a lower bar for "substantial grounds" (Art 40(22))

# Where the targets' data are held (leave out: every requested State holds everyone's data):
# [data_location]
# journalist = ["mine"]
"""


def write_several_states(directory: str | Path) -> Path:
    """Write the several-State starting file into ``directory``; never overwrite a file."""
    path = Path(directory) / "two-states.toml"
    if path.exists():
        raise FileExistsError(f"{path}: already exists; choose an empty folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SEVERAL_STATES, encoding="utf-8")
    return path

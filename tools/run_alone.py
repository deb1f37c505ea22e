"""Run notebooks as someone who has only the notebook would: python tools/run_alone.py NOTEBOOK...

Each notebook is copied by itself into an empty folder and run there, top to bottom, in a fresh
kernel of the Python that runs this. It must raise no error, show as many figures as the
committed notebook shows, and print what it printed in the repository (by the rule in
tests/printed.py: another torch may round a last digit differently).

CI runs this with a Python that has only torch, numpy, matplotlib, nbclient and ipykernel, as
Colab or Kaggle would. It refuses a Python that can import one of the project's modules itself
(the editable install from requirements.txt makes linreg importable from any folder): the
notebook's own copies would then go untested.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient.exceptions import CellExecutionError
from refresh import NOTEBOOKS, ROOT, carried_files, execute, images, module_name, notebook_path, printed

sys.path.insert(0, str(ROOT / "tests"))
from printed import first_difference  # noqa: E402 (the tests' one rule for printed numbers)

FINDS = "import importlib.util, sys; print(*[n for n in sys.argv[1:] if importlib.util.find_spec(n)])"


def project_modules_found(notebook: Path, folder: Path) -> list[str]:
    """The modules the notebook carries that this Python finds without it, from an empty folder."""
    names = sorted({module_name(path) for path in carried_files(NOTEBOOKS[script_of(notebook)])})
    found = subprocess.run([sys.executable, "-c", FINDS, *names], cwd=folder, capture_output=True, text=True)
    return found.stdout.split()


def script_of(notebook: Path) -> str:
    """The notebook's source, as NOTEBOOKS names it."""
    (script,) = [name for name in NOTEBOOKS if notebook_path(ROOT / name) == notebook.resolve()]
    return script


def run_alone(notebook: Path) -> str | None:
    """What went wrong when the notebook ran alone, or None when nothing did."""
    committed = nbformat.read(notebook, as_version=4)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        found = project_modules_found(notebook, folder)
        if found:
            return f"this Python finds {', '.join(found)} by itself: the notebook's copies would go untested"
        shutil.copy(notebook, folder)
        alone = nbformat.read(folder / notebook.name, as_version=4)
        os.environ.pop("LESSON_OUTPUT", None)  # alone, nobody has set it
        try:
            execute(alone, folder)
        except CellExecutionError as error:
            return f"a cell failed:\n{error}"
    shown, expected = (sum(map(images, nb.cells)) for nb in (alone, committed))
    if shown != expected:
        return f"it showed {shown} figures, where the committed notebook shows {expected}"
    difference = first_difference(printed(committed), printed(alone), ("in the repository", "alone"))
    return f"it printed something else, at {difference}" if difference else None


def main(notebooks: list[str]) -> int:
    failed = 0
    for name in notebooks:
        why = run_alone(Path(name))
        failed += why is not None
        print(f"{name} alone in an empty folder: {why or 'ran, showed its figures and printed the same'}")
    return 1 if failed or not notebooks else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

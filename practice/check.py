"""Grade an attempt at the practice problems: PASS or FAIL per problem, with a hint.

    python practice/check.py            # grades practice/my_answers.py, your attempt
    python practice/check.py FILE       # grades any file with the same five functions

practice/exercises.py is the template and stays as it is. The first run without FILE
copies it to practice/my_answers.py, where you write your answers (git ignores it).

Each function runs on the checker's own data and is compared with a reference
computed here: the training loop's losses with a reference loop run from the same
starting parameters, the fitted line with the exact least-squares line, and so on.
When they differ, the checker replays the classic mistakes (no zero_grad(), step()
before backward(), ...) to name the one your code most likely makes. train_loop() is
checked first: while it fails, a function that calls it is told to wait for its fix,
not given a hint about a mistake that the loop causes.

Exit status: 0 when everything passes, 1 when something fails, 2 when FILE cannot
be loaded.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

if __package__:  # imported as practice.check, as the tests do
    from .checker.grading import LoadError, load_workspace
    from .checker.report import report
    from .checker.run import grade
else:  # run as a script: practice/ is the first entry of sys.path
    from checker.grading import LoadError, load_workspace
    from checker.report import report
    from checker.run import grade

PRACTICE = Path(__file__).resolve().parent
TEMPLATE = PRACTICE / "exercises.py"  # the stubs, kept pristine: the learner's copy is graded
WORKSPACE = PRACTICE / "my_answers.py"  # the learner's attempt, git-ignored


def shown(path: Path) -> str:
    """The path as the learner would type it: relative to where they are, when it is below it."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd().resolve()) else str(path)
    except ValueError:  # on Windows, another drive
        return str(path)


def workspace_path() -> Path:
    """practice/my_answers.py, copied from the template the first time, so the template stays pristine."""
    if not WORKSPACE.exists():
        shutil.copyfile(TEMPLATE, WORKSPACE)
        print(f"created {shown(WORKSPACE)} from the template: write your answers there")
    return WORKSPACE


def main(argv: list[str]) -> int:
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print(
            "usage: python practice/check.py [FILE]  (FILE defaults to practice/my_answers.py, "
            "a copy of exercises.py made on the first run)",
            file=sys.stderr,
        )
        return 2
    path = Path(argv[0]) if argv else workspace_path()
    try:
        workspace = load_workspace(path)
    except LoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Checking {shown(path)}\n")
    results = grade(workspace, path)
    print(report(results))
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

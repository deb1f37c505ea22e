"""Problem 1 with a learner's own data: the command line and the CSV file, checked.

`python practice/solution_1_own_data.py --csv FILE --x COLUMN --y COLUMN` fits column
y against column x of FILE. Every mistake in the arguments or the file stops the script
with one line on stderr, saying what and where, and exit status 2: never a traceback.
Only the standard library is used, so a bad file is reported at once, before the script
spends seconds on importing its numerical libraries.

The file may be separated by commas, semicolons or tabs (spreadsheets save semicolons
where the comma is the decimal mark): the header line tells which. In a file separated
by semicolons or tabs, a decimal comma is read as a decimal point, 1,75 as 1.75; in a
comma-separated file a comma can only separate.

This file is a module: run the solution script above, not this one.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

DELIMITERS = (",", ";", "\t")  # the first wins a tie: a file of one column is comma-separated
DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+")  # 1,75 or -,5: one comma and digits, no point


@dataclass(frozen=True)
class OwnData:
    path: Path
    x_name: str
    y_name: str
    inputs: list[float]
    targets: list[float]


def read_own_data() -> OwnData:
    """The data named on the command line."""
    arguments = parse_arguments()
    inputs, targets = read_columns(arguments.csv, arguments.x, arguments.y)
    return OwnData(arguments.csv, arguments.x, arguments.y, inputs, targets)


def fail(message: str) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


class Arguments(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own errors: one line too
        fail(message)


def parse_arguments() -> argparse.Namespace:
    parser = Arguments(description="Fit weight = slope * height + intercept by gradient descent.")
    parser.add_argument("--csv", type=Path, help="a CSV file with a header row, one row per example")
    parser.add_argument("--x", help="the input column, e.g. height")
    parser.add_argument("--y", help="the target column, e.g. weight")
    # A notebook kernel passes arguments of its own: let those through, and only those.
    arguments, unknown = parser.parse_known_args()
    if unknown and "ipykernel" not in sys.modules:
        fail(f"unrecognized arguments: {' '.join(unknown)}")
    if arguments.csv is None:
        fail("give the CSV file to fit and two of its columns: --csv FILE --x COLUMN --y COLUMN")
    if not (arguments.x and arguments.y):
        fail("--csv needs --x COLUMN and --y COLUMN: the input and the target column")
    return arguments


def read_columns(path: Path, x: str, y: str) -> tuple[list[float], list[float]]:
    """Columns x and y of a CSV file as numbers, or a one-line error and exit 2."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # Excel starts its CSVs with a byte-order mark
    except FileNotFoundError:
        fail(f"no such file: {path}")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"cannot read {path}: {error}")
    lines = text.splitlines(keepends=True)  # with their ends, as csv wants them: see the quote check
    separator = delimiter(lines[0] if lines else "")
    reader = csv.DictReader(lines, delimiter=separator, skipinitialspace=True)  # 'h, w' means 'h,w'
    if not reader.fieldnames:
        fail(f"{path} is empty: it needs a header row naming the columns, then one row per example")
    for column in (x, y):
        if column not in reader.fieldnames:
            fail(f"{path} has no column {column!r}; its columns are: {', '.join(reader.fieldnames)}")
    inputs, targets = [], []
    for row in reader:
        values = [*row.values(), *row.get(None, [])]
        quoted = [value for value in values if isinstance(value, str) and "\n" in value]
        if quoted:  # a quoted value runs over line ends: a quote that never closed swallowed the rows after
            value = max(quoted, key=lambda text: text.count("\n"))
            opened = reader.line_num - value.count("\n") + value.endswith("\n")  # the file's last line end
            fail(
                f'{path}, line {opened}: a quote (") opens a value that does not close on its line; '
                f"remove the quote or close it"
            )
        if None in row:  # DictReader files the values beyond the header's columns under None
            fail(
                f"{path}, line {reader.line_num}: {len(reader.fieldnames) + len(row[None])} values, but "
                f"the header names {len(reader.fieldnames)} columns; fix the row or the header"
            )
        inputs.append(number(row[x], path, reader.line_num, x, separator))
        targets.append(number(row[y], path, reader.line_num, y, separator))
    if len(inputs) < 2:
        fail(f"{path} has {len(inputs)} data row(s): a line needs at least two points")
    if len(set(inputs)) == 1:
        fail(
            f"column {x!r} holds {inputs[0]:g} in every row: "
            f"no slope can be learned from an input that never changes"
        )
    return inputs, targets


def delimiter(header: str) -> str:
    """The file's separator: of a comma, a semicolon and a tab, the one that splits the header most.

    The header, not a data row: column names hold none of them, while the numbers of a
    semicolon-separated file often hold decimal commas. A single column: the comma.
    """
    return max(DELIMITERS, key=lambda separator: len(next(csv.reader([header], delimiter=separator), [])))


def number(cell: str | None, path: Path, line: int, column: str, separator: str = ",") -> float:
    """One cell as a finite float; a blank, a word or a NaN stops the script with its place."""
    if cell is None or not cell.strip():
        fail(f"{path}, line {line}: column {column!r} has no value; fill it in or drop the row")
    if separator != "," and DECIMAL_COMMA.fullmatch(cell.strip()):
        cell = cell.replace(",", ".")  # 1,75 in a file saved where the comma is the decimal mark
    try:
        value = float(cell)
    except ValueError:
        hint = ""
        if separator == "," and DECIMAL_COMMA.fullmatch(cell.strip()):
            hint = ": a decimal comma reads only in a file whose values are separated by ';' or tabs"
        fail(f"{path}, line {line}: column {column!r} holds {cell.strip()!r}, which is not a number{hint}")
    if not math.isfinite(value):
        fail(
            f"{path}, line {line}: column {column!r} holds {cell.strip()!r}: "
            f"only finite numbers can be fitted"
        )
    return value


if __name__ == "__main__":
    fail(
        "own_data.py only reads the CSV for solution_1_own_data.py: run "
        "python practice/solution_1_own_data.py --csv FILE --x COLUMN --y COLUMN"
    )

"""The one rule for "a printed number agrees", and the parsing every test uses to read output.

Floats come out a little different from one CPU to another: torch picks kernels for the
processor (AVX-512, AVX2, or portable code), and each adds numbers up in its own order. So a
number printed here and the same number printed elsewhere may differ in their last digit.
The rule:

- A printed number agrees with a value when, rounded to the digits shown, they differ by at
  most one unit in the last digit: 0.02636 agrees with 0.026352 (0.02635) and 0.02637, not
  with 0.02638. In e-notation the unit is that of the mantissa's last digit: 7.73e+37 has a
  unit of 0.01e+37.
- A whole number (no decimal point, no exponent) is a count, and must be equal.
- Everything that is not a number (the words, and the columns things line up in) must be
  the same, character for character.

Tests that check a value against an independent computation find it by its label
(`after(text, "loss after")`), so a change of spacing in a line never breaks them.
"""

from __future__ import annotations

import re

# A minus sign belongs to the number unless it follows a word, a number or a bracket: in
# "epochs 1-100" it is a dash, and 100 is the number.
NUMBER = re.compile(r"(?:(?<![\w.)\]])-)?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


class Shown(float):
    """A number as it was printed: its value, and the unit of the last digit shown (0 for a count)."""

    token: str
    unit: float

    def __new__(cls, token: str) -> Shown:
        value = super().__new__(cls, token)
        value.token = token
        mantissa, _, exponent = token.lower().partition("e")
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        whole = "." not in mantissa and not exponent
        value.unit = 0.0 if whole else 10.0 ** (int(exponent or 0) - decimals)
        return value


def numbers(text: str) -> list[Shown]:
    return [Shown(match.group()) for match in NUMBER.finditer(text)]


def shows(printed: Shown, value: float) -> bool:
    """Does the printed number agree with `value` (a reference, or another printed number)?

    Both are first rounded to the coarser of their last digits, as printing them there would.
    """
    unit = max(printed.unit, value.unit if isinstance(value, Shown) else 0.0)
    if not unit:
        return float(printed) == float(value)
    return abs(round(printed / unit) - round(value / unit)) <= 1


def assert_shows(printed: list[Shown], expected: list[float], what: str = "") -> None:
    """Each printed number agrees with its expected value, by the rule above."""
    assert len(printed) == len(expected), f"{what}: printed {printed}, expected {len(expected)} numbers"
    wrong = [(p.token, e) for p, e in zip(printed, expected, strict=True) if not shows(p, e)]
    assert not wrong, f"{what}: printed numbers that disagree with the reference (printed, expected): {wrong}"


def line_after(text: str, label: str) -> str:
    """The rest of the first line that begins with `label`, after it.

    Spacing is free: before the label, inside it (a run of spaces there matches any run of
    spaces), and after it.
    """
    words = _flexible(label.strip())
    match = re.search(rf"^[ \t]*{words}(?!(?<=\w)\w)(.*)$", text, re.MULTILINE)  # "weight" is not "weights"
    assert match, f"no line begins with {label!r}"
    return match.group(1).strip()


def after(text: str, label: str) -> list[Shown]:
    """The numbers on the first line that begins with `label`, after it."""
    return numbers(line_after(text, label))


def says(text: str, phrase: str, *values: float) -> str | None:
    """Why `text` does not say `phrase` with these values in its {} slots; None when it does.

    The phrase's words must be there (white space may differ: prose wraps), and each number
    in a slot must agree with its value by the rule.
    """
    found = [match.groups() for match in phrase_pattern(phrase).finditer(text)]
    if not found:
        return f"it never says {phrase!r}"
    for tokens in found:
        if all(shows(Shown(token), value) for token, value in zip(tokens, values, strict=True)):
            return None
    return f"it says {phrase!r} with {found[0]}, but the run gives {list(values)}"


def phrase_pattern(phrase: str) -> re.Pattern:
    """A phrase with {} slots as a regex: a group for each slot's number, free white space."""
    return re.compile(f"({NUMBER.pattern})".join(_flexible(part) for part in phrase.split("{}")))


def _flexible(words: str) -> str:
    """A regex for `words` in which each run of white space matches any run of white space."""
    return "".join(
        r"\s+" if part.isspace() else re.escape(part) for part in re.split(r"(\s+)", words) if part
    )


# --- Whole lines and texts


def _spans(line: str) -> tuple[list[str], list[re.Match]]:
    """The words between the numbers of a line (stripped of spaces), and the numbers."""
    found = list(NUMBER.finditer(line))
    edges = [0, *[edge for m in found for edge in m.span()], len(line)]
    return [line[a:b] for a, b in zip(edges[::2], edges[1::2], strict=True)], found


def line_difference(
    expected: str, actual: str, names: tuple[str, str] = ("expected", "printed")
) -> str | None:
    """Why two printed lines do not agree, or None when they do.

    Numbers agree by the rule; the words between them must be equal; and each number and
    word must stand where it stood: at the same column, or, for what follows a number that
    grew or shrank by a character, at the same distance after it.
    """
    words_e, numbers_e = _spans(expected)
    words_a, numbers_a = _spans(actual)
    if [w.strip() for w in words_e] != [w.strip() for w in words_a]:
        return f"the words differ: {expected!r} against {actual!r}"
    for e, a in zip(numbers_e, numbers_a, strict=True):
        if not shows(Shown(a.group()), Shown(e.group())):
            return (
                f"{e.group()} {names[0]}, {a.group()} {names[1]}: more than one unit in the last digit apart"
            )
        if e.start() != a.start() and e.end() != a.end():
            return f"{a.group()} moved: {expected!r} against {actual!r}"
    for i, (we, wa) in enumerate(zip(words_e, words_a, strict=True)):
        if not we.strip():
            continue
        start_e, start_a = len(we) - len(we.lstrip()), len(wa) - len(wa.lstrip())
        column_e = (numbers_e[i - 1].end() if i else 0) + start_e
        column_a = (numbers_a[i - 1].end() if i else 0) + start_a
        if column_e != column_a and start_e != start_a:
            return f"the layout differs: {expected!r} against {actual!r}"
    return None


def first_difference(
    expected: str, actual: str, names: tuple[str, str] = ("expected", "printed")
) -> str | None:
    """The first line where two printed texts disagree, with both versions; None when they agree."""
    lines_e, lines_a = expected.splitlines(), actual.splitlines()
    for number, (e, a) in enumerate(zip(lines_e, lines_a, strict=False), start=1):
        why = line_difference(e, a, names)
        if why:
            return f"line {number}: {why}"
    if len(lines_e) != len(lines_a):
        return f"{len(lines_e)} lines {names[0]}, {len(lines_a)} lines {names[1]}"
    return None


def unquoted_line(quoted: list[str], printed: str) -> str | None:
    """The first quoted line that the printed text does not have, in order ('...' skips lines)."""
    lines = printed.splitlines()
    position = 0
    for line in quoted:
        if line == "...":
            continue
        found = next(
            (i for i in range(position, len(lines)) if line_difference(line, lines[i]) is None), None
        )
        if found is None:
            closest = next(
                (lines[i] for i in range(position, len(lines)) if _words(lines[i]) == _words(line)), ""
            )
            why = line_difference(line, closest) if closest else "no printed line has its words"
            return f"{line!r}: {why}"
        position = found + 1
    return None


def _words(line: str) -> list[str]:
    return [word.strip() for word in _spans(line)[0]]

"""The practice checker, one module per concern; `python practice/check.py` is its command.

- report.py: the verdicts and the report's text (standard library only)
- grading.py: the machinery every check shares: hints, references, loading, running one check
- problem_1.py, problem_2.py, problem_3.py: each problem's checks with their hints
- run.py: the checks in the order they run, and grade()
"""

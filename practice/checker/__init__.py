"""The practice checker, one module per concern; `python practice/check.py` is its command.

- report.py: the verdicts and the report's text (standard library only: the command uses it)
- grading.py: what every check shares: the hints, references, readers of returned values,
  the recording of training, loading the file and running one check
- problem_1.py: height_weight_data() and fit_line(), their checks and hints
- problem_2.py: compare_optimizers()
- problem_3.py: train_loop() and plot_loss_curves()
- run.py: the checks in the order they run; grade() runs them in this process, serve() in
  the command's child process
"""

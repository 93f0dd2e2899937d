"""course/: phi1 as course assignments, cut from the real code. See course/__main__.py for the
commands, course/manifest.py for the assignments, course/blank.py for how functions are blanked,
course/runner.py for how a submission is graded."""

"""The command line, an entry point on the core as the UI is: main.py reads the flags
and runs or exports, report.py says what a run did. `python -m playground` calls main."""

"""Package data: the bundled rule pack, installed as twoway.lint_rules (see twoway/resources.py).

Rule files are the *.yaml here; this file only makes the folder a package that
importlib.resources can find in an editable install and in a wheel alike.
"""

"""Package discovery for the wheel; the rest of the build is in pyproject.toml.

Every package under server/ is found (a new subpackage of twoway ships without anyone listing it),
and each data folder the repository keeps at its top level and maps into twoway in pyproject.toml
([tool.setuptools.package-dir]) is added by that mapping. pyproject.toml alone cannot say both: its
`packages` is either a hand list or one `find` over one tree.
"""
from setuptools import find_packages, setup
from setuptools.config.pyprojecttoml import read_configuration

MAPPED = [name for name in read_configuration("pyproject.toml")["tool"]["setuptools"]["package-dir"] if name]

setup(packages=find_packages("server") + MAPPED)

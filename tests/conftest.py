"""Shared fixtures: an app with grammar off (fast, no Java) and its test client."""
from __future__ import annotations

import pytest

from twoway import create_app


@pytest.fixture(scope="session")
def app():
    return create_app({"LANGUAGETOOL": "off", "TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def linter(app):
    return app.extensions["twoway.linter"]

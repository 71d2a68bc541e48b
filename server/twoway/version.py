"""The version of Two-Way, for the API, the page, SARIF and the OpenAPI document."""

__version__ = "0.1.0"

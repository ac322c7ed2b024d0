"""A module with an import inside a function: tests/test_layers.py checks that its finder sees it."""


def later():
    from conflictmap import load  # noqa: F401

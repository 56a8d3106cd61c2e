"""The panels under the live view, one module per tab, named after it."""

"""Teaching features built on the core: lessons, replay, compare, links, exports and the
math. NumPy only, like the core; their figures are built in playground/figures, their
pixels in playground/pictures."""

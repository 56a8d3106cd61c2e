"""The workshop room's wall, for the projector: `?room=NAME&wall=1`."""

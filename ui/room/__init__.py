"""The workshop room in the app: the page's seat in a room, its publisher and saver."""

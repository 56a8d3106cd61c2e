"""The workshop room: rooms, tiles, submissions and saves, over a store (SQLite or Redis)."""

"""The sync's writes: a module per job (connections, runner, apply, pets, push)."""

"""Adapters: the only code that touches the world (storage, HTTP, disk, archives)."""

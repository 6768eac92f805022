"""Registered experiments of the dense family."""

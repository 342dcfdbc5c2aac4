"""Widgets and helpers shared by the branch, committee and bureau windows."""

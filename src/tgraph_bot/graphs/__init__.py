"""Graphs: the registry, the theme, the renderer and one spec per graph."""

"""Authoring tools: build student notebooks from solutions, scaffold exercises, render the README."""

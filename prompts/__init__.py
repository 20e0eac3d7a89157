"""Prompt templates shipped as package data (rendered by `qa.prompting`)."""

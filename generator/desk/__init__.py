"""Meja Redaksi, the staff desk: its store (files, history, uploads) and, beside it, its web app."""

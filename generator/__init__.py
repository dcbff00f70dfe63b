"""A static news-site generator for KPU offices."""

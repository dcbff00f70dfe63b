"""The site model: config.yaml, entries and their front matter, documents and the registry, Markdown and what it
may contain, the theme's folders, and the assembled site with its URLs. Decisions and data; no output is written."""

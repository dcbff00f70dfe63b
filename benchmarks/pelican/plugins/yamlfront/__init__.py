"""Pelican reader for the corpus' YAML front matter ('---' ... '---'), like ours reads it."""

import yaml
from markdown import Markdown
from pelican import signals
from pelican.readers import MarkdownReader


class YamlMarkdownReader(MarkdownReader):
    enabled = True
    file_extensions = ["md"]

    def read(self, source_path):
        with open(source_path, encoding="utf-8") as handle:
            text = handle.read()
        _, front, body = text.split("---\n", 2)
        meta = yaml.safe_load(front) or {}
        self._source_path = source_path
        self._md = Markdown(**self.settings["MARKDOWN"])
        content = self._md.convert(body)
        metadata = {}
        for name, value in meta.items():
            name = name.lower()
            if name in ("title", "date", "category", "author", "summary", "slug"):
                metadata[name] = self.process_metadata(name, str(value))
            elif name == "tags":
                metadata[name] = self.process_metadata(name, ", ".join(value or []))
            else:
                metadata[name] = value
        return content, metadata


def add_reader(readers):
    readers.reader_classes["md"] = YamlMarkdownReader


def register():
    signals.readers_init.connect(add_reader)

"""Core: the shared vocabulary every layer may use and that uses none of them.

Problems as values (report), content hashes (hashing), the racy-timestamp rule (racy), worker processes (parallel),
the build lock (lock), what the system offers (system), YAML reading and editing (yamlio, yamltext), where the
generator's own files are (resources) and how the person started it (invocation)."""

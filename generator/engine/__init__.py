"""The incremental engine: the build cache (cache), what changed since the last build (incremental), reading the
sources into the site model with what can be reused (load), and each page's fingerprint (fingerprint)."""

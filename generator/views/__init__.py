"""Page views from the web host's access logs, added to each post's `views:` line (`python -m generator views`).

Beside the build, never imported by it: it calls the build's own reading of config, content and addresses."""

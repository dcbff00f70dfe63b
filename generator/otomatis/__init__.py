"""otomatis: the site keeps itself current, unattended. Each round does what is due and nothing else (a scheduled
post's publish, a check of the live site), logs one line, and tells someone when something is wrong."""

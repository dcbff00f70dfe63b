"""The preview on the staff's laptop: the server (serve, server, http, guard), its memory between rebuilds
(session), watching the sources (watch), the live-reload script and the staff guide's pages (guide)."""

"""Publishing the built site to the office's web host: `python -m generator publish` (beside the build, never in it).

plan (what to send, in which order, what to delete: pure), manifest (the record kept on each target), one transport
per kind of target (folder, sftp, ftp/ftps, git), and command (build, then bring each chosen target up to date).
"""

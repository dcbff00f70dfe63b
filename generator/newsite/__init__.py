"""A new site folder in one step (create: the init command) and its double-click launchers (launchers)."""

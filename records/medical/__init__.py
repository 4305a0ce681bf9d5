"""Medical history: every change a new version, the newest the current one."""

"""Post-visit surveys: the invitation after a completed visit, the answer, follow-up."""

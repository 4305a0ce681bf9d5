"""Staff-side loyalty: the client account's Loyalty tab, its actions and the reward
request queue, plus the manager's catalogue, tiers and programme screens."""

# agents/: (empty so far)

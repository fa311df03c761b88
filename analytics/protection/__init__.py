"""Who may see which report, and the hiding of small groups so no one is singled out."""

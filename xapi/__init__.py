"""xAPI: the Learning Record Store at /xapi/, statements built with tincan, and forwarding."""

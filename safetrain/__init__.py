"""safetrain: safety training and compliance for high-risk industry."""

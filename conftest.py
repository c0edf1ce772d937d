import os

os.environ.setdefault("SAFETRAIN_TESTING", "1")

from safetrain.web.tests.conftest import login, users, world  # noqa: F401

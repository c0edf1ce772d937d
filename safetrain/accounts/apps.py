from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safetrain.accounts"
    label = "accounts"
    verbose_name = "账号安全"

    def ready(self) -> None:
        from safetrain.accounts import signals  # noqa: F401  (sign-in bookkeeping)

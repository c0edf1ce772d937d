"""Shared abstract models."""

from django.conf import settings
from django.db import models


class Attributed(models.Model):
    """Who recorded a row, when, and from which source (DESIGN §2: every record is attributed)."""

    class Source(models.TextChoices):
        WEB = "web", "网页"
        API = "api", "接口"
        IMPORT = "import", "导入"
        SYSTEM = "system", "系统"
        SEED = "seed", "演示/合成数据"

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.WEB)

    class Meta:
        abstract = True

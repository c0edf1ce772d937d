from django.db import models

CITY_CODE = "140500"


class Region(models.Model):
    """An administrative division (GB/T 2260): the city or one of its counties."""

    code = models.CharField(max_length=6, primary_key=True)
    name = models.CharField(max_length=32)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def is_city(self) -> bool:
        return self.parent_id is None

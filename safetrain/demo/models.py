from django.db import models


class DemoState(models.Model):
    """What `safetrain demo load` loaded: its seed, size and anchor date ("today" of the demo).

    A second load reuses the anchor, so running it again on another day still gives the same
    data; `--reset` wipes the demo together with this row.
    """

    key = models.CharField(max_length=32, unique=True, default="jincheng")
    seed = models.IntegerField()
    size = models.CharField(max_length=16)
    anchor = models.DateField()
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"demo seed={self.seed} size={self.size} anchor={self.anchor}"

""" "Not interested": a paper the reader hid from their listings and feed."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Dismissal(models.Model):
    """Not interested: hides the paper from the user's personal listings until undone."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dismissals")
    paper = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "paper"], name="one_dismissal_per_user_paper")]

    def __str__(self) -> str:
        return f"{self.user_id} dismissed {self.paper_id}"

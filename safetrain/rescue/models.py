"""Emergency rescue teams (应急救援队伍, the notice §三(六)): an enterprise's own team (专职 or
兼职) or a contracted one (签订救援协议 with a professional team), its members (persons), their
qualifications and the team's drills. docs/rescue.md explains the rules."""

from __future__ import annotations

from django.db import models

from safetrain.core.models import Attributed


class TeamKind(models.TextChoices):
    FULL_TIME = "full_time", "专职救援队"
    PART_TIME = "part_time", "兼职救援队"
    CONTRACTED = "contracted", "签订救援协议"


OWN_KINDS = frozenset({TeamKind.FULL_TIME, TeamKind.PART_TIME})


class RescueTeam(Attributed):
    """A team an enterprise can call on: its own (established_on … dissolved_on) or a contracted
    professional team (the agreement's start and end dates, inclusive)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="rescue_teams"
    )
    kind = models.CharField(max_length=16, choices=TeamKind.choices)
    # own team: its name; contracted: the name of the contracted team (e.g. 晋城矿山救护大队)
    name = models.CharField(max_length=128)
    phone = models.CharField(max_length=32, blank=True, default="")
    established_on = models.DateField(null=True, blank=True)
    dissolved_on = models.DateField(null=True, blank=True)
    agreement_number = models.CharField(max_length=64, blank=True, default="")
    agreement_start = models.DateField(null=True, blank=True)
    agreement_end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["enterprise_id", "kind", "name", "id"]
        indexes = [models.Index(fields=["enterprise", "kind"], name="rescueteam_ent_kind")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind="contracted",
                        agreement_start__isnull=False,
                        agreement_end__isnull=False,
                        agreement_end__gte=models.F("agreement_start"),
                    )
                    | models.Q(
                        kind__in=["full_time", "part_time"],
                        established_on__isnull=False,
                        agreement_start__isnull=True,
                        agreement_end__isnull=True,
                    )
                ),
                name="rescueteam_kind_dates",
            ),
            models.CheckConstraint(
                condition=models.Q(dissolved_on__isnull=True)
                | models.Q(established_on__isnull=True)
                | models.Q(dissolved_on__gte=models.F("established_on")),
                name="rescueteam_dissolved_after_established",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_contracted(self) -> bool:
        return self.kind == TeamKind.CONTRACTED


class TeamMember(Attributed):
    """A person on a team from joined_on; left_on (inclusive last day) once they leave it."""

    team = models.ForeignKey(RescueTeam, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="rescue_memberships"
    )
    duty = models.CharField(max_length=32, default="队员")  # 队长 / 副队长 / 队员 …
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["team_id", "left_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "person"],
                condition=models.Q(left_on__isnull=True),
                name="teammember_once_active",
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="teammember_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.team_id}"


class Qualification(Attributed):
    """A member's qualification: free text (e.g. 矿山救护队员证), number, dates."""

    member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="qualifications")
    name = models.CharField(max_length=64)
    number = models.CharField(max_length=64, blank=True, default="")
    issued_on = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["member_id", "valid_until", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(issued_on__isnull=True)
                | models.Q(valid_until__gte=models.F("issued_on")),
                name="qualification_valid_after_issued",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TeamDrill(Attributed):
    """A drill (训练/演练) of the team: date, subject and the members who took part."""

    team = models.ForeignKey(RescueTeam, on_delete=models.CASCADE, related_name="drills")
    date = models.DateField()
    subject = models.CharField(max_length=128)
    participants = models.ManyToManyField(TeamMember, related_name="drills", blank=True)
    participant_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["team_id", "-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(participant_count__gte=1), name="teamdrill_has_participants"
            ),
        ]

    def __str__(self) -> str:
        return self.subject

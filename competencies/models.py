"""Frameworks of competencies with a proficiency scale, descriptors, crosswalks and the levels
each job role needs."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.search import index

from xapi.vocab import activity_iri

TRANSLATIONS_HELP = (
    'The text in other languages, as {"fr": {"title": "..."}, "ar": {...}}; '
    "a language or field left out shows the source text."
)


def _translations_panel() -> FieldPanel:
    return FieldPanel("translations", heading="Translations")


class Translatable(models.Model):
    """Text held in the framework's own language plus translations into the others.

    `translations` maps a language code to the translated fields: {"fr": {"title": "..."}}.
    `translated(field)` gives the text in the active language, else the source text."""

    TRANSLATED: tuple[str, ...] = ()

    translations = models.JSONField(default=dict, blank=True, help_text=TRANSLATIONS_HELP)

    class Meta:
        abstract = True

    def translated(self, field: str, language: str | None = None) -> str:
        from competencies.translation import text_in

        return text_in(self, field, language)

    def clean(self) -> None:
        from competencies.translation import translations_problems

        problems = translations_problems(self.translations, self.TRANSLATED)
        if problems:
            raise ValidationError({"translations": problems})


class Framework(index.Indexed, Translatable, ClusterableModel):
    TRANSLATED = ("name", "description")

    class Status(models.TextChoices):
        DRAFT = "draft", gettext_lazy("Draft")
        PUBLISHED = "published", gettext_lazy("Published")

    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=40)
    publisher = models.CharField(max_length=200, blank=True)
    source = models.TextField(blank=True, help_text="Where the framework comes from.")
    licence = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The language the framework is written in; its other languages are translations.
    language = models.CharField(max_length=10, default="en-gb")
    # Stable identity for exchange formats (the CASE document identifier).
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("slug"), FieldPanel("version"), FieldPanel("status")],
            heading="Framework",
        ),
        FieldPanel("description"),
        MultiFieldPanel([FieldPanel("language"), _translations_panel()], heading="Languages"),
        MultiFieldPanel(
            [FieldPanel("publisher"), FieldPanel("source"), FieldPanel("licence")],
            heading="Provenance",
        ),
        InlinePanel("levels", heading="Proficiency scale", label="Level"),
        InlinePanel("areas", heading="Areas", label="Area"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name", "version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="framework_slug_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class ProficiencyLevel(Translatable):
    TRANSLATED = ("name", "description")

    framework = ParentalKey(Framework, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    panels = [
        FieldPanel("number"),
        FieldPanel("name"),
        FieldPanel("description"),
        _translations_panel(),
    ]

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="level_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Area(Translatable):
    TRANSLATED = ("title", "description")

    framework = ParentalKey(Framework, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    panels = [
        FieldPanel("code"),
        FieldPanel("title"),
        FieldPanel("description"),
        _translations_panel(),
    ]

    class Meta:
        ordering = ["framework", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="area_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Competency(index.Indexed, Translatable, ClusterableModel):
    TRANSLATED = ("title", "description")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competencies")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="competencies")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    # The IRI of a competency in learning records is built from this, never from its code:
    # a new framework version gets new competencies, so evidence keeps pointing at the old.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    supersedes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="superseded_by",
        help_text="The same competency in the previous version of the framework.",
    )

    panels = [
        FieldPanel("framework"),
        FieldPanel("area"),
        FieldPanel("code"),
        FieldPanel("title"),
        FieldPanel("description"),
        _translations_panel(),
        InlinePanel("descriptors", heading="Level descriptors", label="Descriptor"),
        InlinePanel("crosswalk", heading="Crosswalk", label="Link"),
    ]
    search_fields = [
        index.SearchField("title"),
        index.SearchField("code"),
        index.AutocompleteField("title"),
        index.FilterField("framework_id"),
    ]

    class Meta:
        verbose_name_plural = "competencies"
        ordering = ["framework", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="competency_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        super().clean()
        if self.area_id and self.framework_id and self.area.framework_id != self.framework_id:
            raise ValidationError({"area": "Choose an area of the same framework."})

    @property
    def iri(self) -> str:
        return activity_iri("competency", self.uuid)


class LevelDescriptor(Translatable):
    """What a competency looks like at one level. A level may be left undescribed."""

    TRANSLATED = ("text",)

    competency = ParentalKey(Competency, on_delete=models.CASCADE, related_name="descriptors")
    level = models.PositiveSmallIntegerField()
    text = models.TextField()

    panels = [FieldPanel("level"), FieldPanel("text"), _translations_panel()]

    class Meta:
        ordering = ["competency", "level"]
        constraints = [
            models.UniqueConstraint(fields=["competency", "level"], name="descriptor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.competency.code} level {self.level}"


class CrosswalkLink(models.Model):
    """A competency's counterpart in another framework or scheme (DigComp, e-CF, OECD ...)."""

    competency = ParentalKey(Competency, on_delete=models.CASCADE, related_name="crosswalk")
    scheme = models.CharField(max_length=100, help_text="e.g. DigComp 2.2, e-CF, OECD skill set")
    code = models.CharField(max_length=40)
    target = models.ForeignKey(
        Competency,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="crosswalk_targets",
        help_text="The matching competency, when that framework is held here too.",
    )
    verified = models.BooleanField(
        default=True, help_text="Untick while a code is still to be checked against its source."
    )

    panels = [
        FieldPanel("scheme"),
        FieldPanel("code"),
        FieldPanel("target"),
        FieldPanel("verified"),
    ]

    class Meta:
        ordering = ["competency", "scheme", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["competency", "scheme", "code"], name="crosswalk_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.code}" + ("" if self.verified else " (unverified)")


class RoleRequirement(models.Model):
    """The level a job role needs in a competency, optionally for one department only."""

    job_role = models.ForeignKey(
        "organisations.JobRole", on_delete=models.CASCADE, related_name="requirements"
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="requirements"
    )
    department = models.ForeignKey(
        "organisations.Department",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="requirement_overrides",
        help_text="Leave empty for every department; set it to override one department.",
    )
    level = models.PositiveSmallIntegerField()

    panels = [
        FieldPanel("job_role"),
        FieldPanel("competency"),
        FieldPanel("department"),
        FieldPanel("level"),
    ]

    class Meta:
        ordering = ["job_role", "competency"]
        constraints = [
            models.UniqueConstraint(
                fields=["job_role", "competency"],
                condition=models.Q(department__isnull=True),
                name="requirement_unique_default",
            ),
            models.UniqueConstraint(
                fields=["job_role", "competency", "department"],
                condition=models.Q(department__isnull=False),
                name="requirement_unique_override",
            ),
        ]

    def __str__(self) -> str:
        scope = f" in {self.department.code}" if self.department_id else ""
        return f"{self.job_role}: {self.competency.code} at {self.level}{scope}"

    def clean(self) -> None:
        if self.competency_id and self.level is not None:
            levels = set(self.competency.framework.levels.values_list("number", flat=True))
            if levels and self.level not in levels:
                raise ValidationError({"level": f"Choose one of the levels {sorted(levels)}."})


class SelfAssessment(models.Model):
    """A person's own view of their level; `level` is None for "I don't know" (not level 0)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="self_assessments"
    )
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    statement_id = models.UUIDField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "competency"], name="self_assessment_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.competency_id} = {self.level}"


class ManagerValidation(models.Model):
    """A line manager confirming or adjusting a direct report's level, kept apart from
    self-assessment."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="validations_received"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    statement_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["learner", "competency", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.learner_id}: {self.competency_id} = {self.level}"

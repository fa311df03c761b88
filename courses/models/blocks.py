"""The blocks a lesson is built from. Owned by courses only: no shared block library."""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.functional import cached_property
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class CompetencyChooserBlock(SnippetChooserBlock):
    """The competency chooser, naming each competency's framework as course targets do."""

    @cached_property
    def widget(self):
        from competencies.choosers import CompetencyChooserWidget

        if not self.has_explicit_icon:
            self.set_meta_options({"icon": self.target_model.snippet_viewset.icon})
        return CompetencyChooserWidget(self.target_model, icon=self.meta.icon)


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250,
        help_text="Describe what the image shows for people who cannot see it. Required.",
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "courses/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    video = DocumentChooserBlock(help_text="An MP4 or WebM file.")
    captions = DocumentChooserBlock(help_text="Captions as a WebVTT (.vtt) file. Required.")
    transcript = blocks.RichTextBlock(
        features=["bold", "italic", "ul", "ol"],
        help_text="The full transcript, for people who cannot watch or hear the video.",
    )

    class Meta:
        icon = "media"
        template = "courses/blocks/video.html"


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock()

    class Meta:
        icon = "warning"
        template = "courses/blocks/callout.html"


class ResourceBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    description = blocks.CharBlock(max_length=250, required=False)

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/resource.html"


class CaseStudyBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    source = blocks.CharBlock(
        required=False, max_length=300, help_text="Where the facts come from."
    )

    class Meta:
        icon = "openquote"
        template = "courses/blocks/case_study.html"


class ReflectionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(help_text="A question learners answer for themselves.")

    class Meta:
        icon = "help"
        template = "courses/blocks/reflection.html"


class OptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=300)
    correct = blocks.BooleanBlock(required=False)
    feedback = blocks.CharBlock(max_length=500, help_text="Shown after the answer is marked.")


class QuestionBlock(blocks.StructBlock):
    KINDS = [
        ("single", "Single choice (one right answer)"),
        ("multiple", "Multiple choice (several right answers)"),
        ("true_false", "True or false"),
    ]
    kind = blocks.ChoiceBlock(choices=KINDS, default="single")
    text = blocks.TextBlock()
    options = blocks.ListBlock(OptionBlock(), min_num=2)

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for option in value["options"] if option["correct"])
        problem = None
        if correct == 0:
            problem = "Mark at least one option as correct."
        elif value["kind"] in ("single", "true_false") and correct != 1:
            problem = "A single-choice or true/false question has exactly one correct option."
        elif value["kind"] == "true_false" and len(value["options"]) != 2:
            problem = "A true/false question has exactly two options."
        if problem:
            raise StructBlockValidationError(
                block_errors={"options": ErrorList([ValidationError(problem)])}
            )
        return value


def _evidence_mapping_clean(value, passing: str):
    """Both a competency and the level passing shows, or neither: a level of no competency, or
    a competency at no level, is evidence of nothing."""
    if bool(value.get("competency")) != (value.get("evidences_level") is not None):
        raise StructBlockValidationError(
            block_errors={
                "evidences_level": ErrorList(
                    [
                        ValidationError(
                            f"Choose a competency and the level that {passing} shows someone "
                            "has reached, or neither."
                        )
                    ]
                )
            }
        )
    return value


class KnowledgeCheckBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120, default="Check your understanding")
    pass_mark = blocks.IntegerBlock(
        min_value=1, max_value=100, default=70, help_text="Percentage of questions right to pass."
    )
    competency = CompetencyChooserBlock(
        "competencies.Competency",
        required=False,
        help_text="The competency that passing this check is evidence of.",
    )
    evidences_level = blocks.IntegerBlock(
        min_value=0,
        max_value=10,
        required=False,
        label="Level this shows someone has reached",
        help_text="The level of that competency that passing this check shows someone has reached.",
    )
    questions = blocks.ListBlock(QuestionBlock(), min_num=1)

    class Meta:
        icon = "tick-inverse"
        template = "courses/blocks/knowledge_check.html"

    def clean(self, value):
        return _evidence_mapping_clean(super().clean(value), "passing")


class PackageBlock(blocks.StructBlock):
    """A bought-in course package (cmi5 or SCORM) the learner launches from the lesson. Its
    result completes the lesson; passing it is evidence of the competency chosen here."""

    package = SnippetChooserBlock(
        "packages.Package", help_text="A package uploaded under Snippets > Course packages."
    )
    competency = CompetencyChooserBlock(
        "competencies.Competency",
        required=False,
        help_text="The competency that passing this package is evidence of.",
    )
    evidences_level = blocks.IntegerBlock(
        min_value=0,
        max_value=10,
        required=False,
        label="Level this shows someone has reached",
        help_text="The level of that competency that passing the package shows someone has "
        "reached. A package that sets no pass mark completes the lesson but is evidence of "
        "nothing.",
    )

    class Meta:
        icon = "download"
        label = "Course package"
        # Rendered by the lesson page itself, with the learner's progress and launch buttons.
        template = "courses/blocks/package.html"

    def clean(self, value):
        return _evidence_mapping_clean(super().clean(value), "passing the package")


class LessonStreamBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, template="courses/blocks/text.html")
    image = ImageBlock()
    video = VideoBlock()
    callout = CalloutBlock()
    resource = ResourceBlock()
    case_study = CaseStudyBlock()
    reflection = ReflectionBlock()
    knowledge_check = KnowledgeCheckBlock()
    package = PackageBlock()

    class Meta:
        block_counts = {"knowledge_check": {"max_num": 1}, "package": {"max_num": 1}}

"""How course pages preview in the CMS, including drafts inside a course that is not live yet.

Courses and lessons need nothing here: they build their context in `get_context()`, which
Wagtail's own preview renders too, and read `request.is_preview` to record nothing and show the
drafts their course's review covers."""

from django.template.response import TemplateResponse


class TemplatePreviewMixin:
    """Preview a page that learners never see on its own (it redirects elsewhere) with a
    template that shows the draft itself."""

    preview_template: str

    def serve_preview(self, request, mode_name):
        request.is_preview = True
        request.preview_mode = mode_name
        return TemplateResponse(
            request, self.preview_template, self.get_preview_context(request, mode_name)
        )

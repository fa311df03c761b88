"""How course pages preview in the CMS, including drafts inside a course that is not live yet."""

from django.template.response import TemplateResponse


class ServedPreviewMixin:
    """Preview the page through its own `serve()`, as learners will see it.

    Wagtail renders a preview from the page's template and `get_context()` alone, which skips
    the views that course pages are served by and leaves their templates without the course,
    outline and lesson they need. The request is flagged as a preview so that the views record
    nothing and ask for no enrolment.
    """

    def serve_preview(self, request, mode_name):
        request.is_preview = True
        request.preview_mode = mode_name
        return self.serve(request)


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

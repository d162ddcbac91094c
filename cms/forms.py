"""The Wagtail document library's upload form (settings.WAGTAILDOCS_DOCUMENT_FORM_BASE).

Wagtail itself checks only a document's name (WAGTAILDOCS_EXTENSIONS) and size. Everything published in the
library is downloaded by the public, so a new file goes through the same content checks as a provider's
attachment (commissioning.uploads.check_upload): the type is decided by its bytes (an executable renamed
.pdf is refused), Office files must be genuine, without macros, and not expand past the zip-bomb limits, and
workbooks get every check a returns upload gets. Wagtail uses this form for the single and multiple upload
pages and the chooser's upload tab, and when a document's file is replaced.
"""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm

from commissioning.uploads import check_upload


class CheckedDocumentForm(BaseDocumentForm):
    def clean_file(self):
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):  # a new or replacement file, not the one already stored
            check_upload(file, max_bytes=settings.WAGTAILDOCS_MAX_UPLOAD_SIZE)
        return file

    def _post_clean(self):
        # A refused file is left out of the instance, so Document.clean would add "File extension “” is not
        # allowed" under the real reason. The form is invalid either way.
        if self.has_error("file"):
            return
        super()._post_clean()

"""Where confirmation PDFs and material files are kept: the storages named "documents" and "uploads"
in settings.STORAGES. On the local disk by default; in an S3-compatible bucket when
HANDOVER_S3_BUCKET is set, so that web processes and workers on different machines see the same
files. Either way only the permission-checked views serve them: no storage URL is ever handed out.
"""

from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.utils.functional import cached_property


class FolderStorage(FileSystemStorage):
    """The local disk under the folder a setting names (HANDOVER_DOCUMENT_DIR, HANDOVER_UPLOAD_DIR),
    outside the web root. Read when first used and again when that setting changes, as Django's
    default storage follows MEDIA_ROOT: the instance itself lives as long as the process."""

    def __init__(self, *, folder_setting: str, **options: Any) -> None:
        self.folder_setting = folder_setting
        super().__init__(**options)
        setting_changed.connect(self._follow_folder)

    @cached_property
    def base_location(self) -> str:
        return str(getattr(settings, self.folder_setting))

    def _follow_folder(self, *, setting: str, **kwargs: Any) -> None:
        if setting == self.folder_setting:
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


def document_storage() -> Storage:
    """Confirmation PDFs, served only by a permission-checked view."""
    return storages["documents"]


def upload_storage() -> Storage:
    """Material files, likewise, under names the uploader does not choose."""
    return storages["uploads"]

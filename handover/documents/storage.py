from django.conf import settings
from django.core.files.storage import FileSystemStorage


def document_storage() -> FileSystemStorage:
    """Confirmation PDFs live outside the web root and are served only by a permission-checked view."""
    return FileSystemStorage(location=settings.HANDOVER_DOCUMENT_DIR)


def upload_storage() -> FileSystemStorage:
    """Material files, likewise outside the web root, under names the uploader does not choose."""
    return FileSystemStorage(location=settings.HANDOVER_UPLOAD_DIR, directory_permissions_mode=0o700)

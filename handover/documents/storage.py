from django.conf import settings
from django.core.files.storage import FileSystemStorage


def document_storage() -> FileSystemStorage:
    """Confirmation PDFs live outside the web root and are served only by a permission-checked view."""
    return FileSystemStorage(location=settings.HANDOVER_DOCUMENT_DIR)

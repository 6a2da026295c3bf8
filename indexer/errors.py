"""Domain errors. Each has a stable snake_case ``code`` and a message meant for a user."""


class ReportSearchError(Exception):
    code = "error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ConfigError(ReportSearchError):
    code = "invalid_config"


class IndexNotFoundError(ReportSearchError):
    code = "index_not_found"


class IndexBusyError(ReportSearchError):
    code = "index_busy"


class QueryError(ReportSearchError):
    code = "invalid_query"


class DocumentNotFoundError(ReportSearchError):
    code = "document_not_found"


class UnreadableFileError(ReportSearchError):
    code = "unreadable_file"


class IndexWorkerError(ReportSearchError):
    code = "index_worker_failed"


class SourceNotFoundError(ReportSearchError):
    code = "source_not_found"


class JobNotFoundError(ReportSearchError):
    code = "job_not_found"


class MissingConverterError(UnreadableFileError):
    """A file whose format needs a program that is not installed: skipped, not failed."""

    code = "missing_converter"

"""Old Word (.doc) and WPS (.wps) files -> .docx bytes, converted by LibreOffice headless.

Only when ``soffice`` is on the PATH. Each conversion gets its own profile folder (two
conversions sharing one would hand the file to the first one's instance, or lock each other
out), a hard timeout, and its process group killed afterwards: soffice starts helpers that
outlive it. LibreOffice detects the format itself; ``.wps`` is both Kingsoft WPS Writer's and
Microsoft Works' extension.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import MissingConverterError, UnreadableFileError

NEEDS_SOFFICE = "need LibreOffice (soffice)"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(data: bytes, suffix: str, timeout: float) -> bytes:
    program = soffice()
    if program is None:
        raise MissingConverterError(f"{suffix} files {NEEDS_SOFFICE}, which is not installed: "
                                    "skipped")
    with tempfile.TemporaryDirectory(prefix="report-search-soffice-") as tmp:
        source = Path(tmp, "report" + suffix)
        source.write_bytes(data)
        out = Path(tmp, "out")
        command = [program, f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}",
                   "--headless", "--norestore", "--nolockcheck", "--convert-to", "docx",
                   "--outdir", str(out), str(source)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            _, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise UnreadableFileError(f"LibreOffice took over {timeout:g} s to convert it (the "
                                      "time limit, index.convert_timeout): skipped") from None
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
        result = out / "report.docx"
        if not result.is_file():
            why = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            raise UnreadableFileError(f"LibreOffice could not convert it ({why[0][:200]})")
        return result.read_bytes()

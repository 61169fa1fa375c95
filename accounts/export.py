"""A person's own copy of everything stored for them, as one ZIP archive (the right of access).

The archive holds the account (e-mail, when it was made, each consent given), every analysis as
the API shows it, and the stored pictures: each selfie as stored (re-encoded, without its
metadata) and each draping picture that was drawn. It is written to a temporary file, not held
in memory: a long history of selfies runs to hundreds of megabytes.
"""

import json
import shutil
import tempfile
import zipfile
from datetime import datetime

from django.http import FileResponse
from rest_framework.authtoken.models import Token

from analysis.api import AnalysisOutputSerializer
from analysis.selectors import analyses_of

ARCHIVE_NAME = "chromamatch-data.zip"
# Past this size the archive goes from memory to a file on disk.
IN_MEMORY_BYTES = 8 * 1024 * 1024

README = """Everything ChromaMatch stores for your account.

account.json    your e-mail address, when the account was made and last logged in, each
                consent you gave, and whether an API token exists (not the token itself,
                which the profile page shows)
analyses.json   every analysis, oldest first, as the API shows it, with what else is stored
                for it ("stored": when it started, how many attempts it took, the photo's
                size); "selfie_file" and "drape_file" name the pictures below (null when
                there is none: a photo removed after the retention period, or a draping
                picture never drawn)
selfies/        each photo as stored: re-encoded, without the metadata it was sent with
drapes/         each draping picture that was drawn

Delete the account (profile page, or DELETE /api/account) to remove all of it.
"""


def archive_response(*, user) -> FileResponse:
    """The archive as a download, for the page and the API alike."""
    response = FileResponse(
        account_archive(user=user),
        as_attachment=True,
        filename=ARCHIVE_NAME,
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def account_archive(*, user):
    """The archive of ``user``'s data as a binary file object, positioned at its start."""
    target = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README)
        archive.writestr("account.json", _json(_account(user)))
        records, selfies_written = [], set()
        for analysis in analyses_of(user).order_by("pk"):
            selfie = analysis.selfie
            selfie_file = f"selfies/{selfie.pk}.jpg" if selfie.image else None
            if selfie_file and selfie.pk not in selfies_written:
                _copy(archive, selfie.image, selfie_file, selfie.created)
                selfies_written.add(selfie.pk)
            drape_file = f"drapes/{analysis.pk}.png" if analysis.drape else None
            if drape_file:
                _copy(archive, analysis.drape, drape_file, analysis.finished_at)
            records.append(
                {
                    **AnalysisOutputSerializer(analysis).data,
                    "stored": {
                        "started": _moment(analysis.started_at),
                        "attempts": analysis.attempts,
                        "selfie": {
                            "received": _moment(selfie.created),
                            "width": selfie.width,
                            "height": selfie.height,
                            "bytes": selfie.size_bytes,
                        },
                    },
                    "selfie_file": selfie_file,
                    "drape_file": drape_file,
                }
            )
        archive.writestr("analyses.json", _json(records))
    target.seek(0)
    return target


def _account(user) -> dict:
    return {
        "email": user.email,
        "date_joined": user.date_joined.isoformat(),
        "last_login": _moment(user.last_login),
        "api_token": Token.objects.filter(user=user).exists(),
        "consents": [
            {"policy_version": c.policy_version, "given_at": c.given_at.isoformat()}
            for c in user.consents.order_by("given_at")
        ],
    }


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _copy(archive: zipfile.ZipFile, stored, name: str, when: datetime) -> None:
    # Dated when the picture was made; compressed already, so kept without a second compression.
    entry_info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    entry_info.compress_type = zipfile.ZIP_STORED
    with stored.open("rb") as source, archive.open(entry_info, "w") as entry:
        shutil.copyfileobj(source, entry)

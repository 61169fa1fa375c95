"""The errors that mean a dependency is unreachable, not that a request or the code is wrong.

The worker retries them; the API and the pages answer them with 503 and Retry-After instead of
a 500.
"""

from botocore.exceptions import BotoCoreError, ClientError
from django.db import InterfaceError, OperationalError

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Local media (OSError) or S3: a refused connection, a timeout, a bucket that is not there.
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)
# What Retry-After says meanwhile: a restart or fail-over of either takes seconds.
RETRY_AFTER_SECONDS = 10

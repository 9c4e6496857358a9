"""JSON text of a report's document (the documents themselves: ``reports.documents``)."""

from __future__ import annotations

import json
from typing import Any


def dumps(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

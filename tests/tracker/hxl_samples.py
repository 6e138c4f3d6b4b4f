"""Small HXL aggregates as a deployment publishes them, and broken ones."""

from __future__ import annotations

from pathlib import Path

MARKER = "zhusan:disclosure,method=suppression+secondary+cellkey,threshold=5,noise=2,rounding=0,suppressed=x"
HEADER = "Country,Operation,Year,Men (18+),Women (18+),Children (0–17),Age or sex unknown,Total"
TAGS = "#country+code,#meta+operation,#date+year,#reached+m+adults,#reached+f+adults,#reached+children,#reached+unknown,#reached+total"


def good_aggregate(*, marker: str = MARKER, body: str = "KZ,Zhusan-6,2026,0,x,33,x,40") -> str:
    return "\n".join(["Returnees by operation", marker, HEADER, TAGS, body]) + "\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path

#!/usr/bin/env python3
"""Take a PNG screenshot of a report.html with headless Chromium (to review the page's design).

    python scripts/screenshot_report.py reports/latest/report.html [out.png] [--size 1400,1800]

Writes out.png (default: next to the report, report.png) and prints its path. Needs /usr/bin/chromium
(Debian: apt-get install chromium) or a browser named by $CHROMIUM. Everything stays local: the page loads no
external resources and Chromium runs with networking features off and a throwaway profile.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def screenshot(html: Path, png: Path, size: str = "1400,1800", timeout: float = 120) -> Path:
    html, png = html.resolve(), png.resolve()
    if not html.is_file():
        raise FileNotFoundError(html)
    png.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="bc-chromium-") as profile:
        subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", f"--screenshot={png}", f"--window-size={size}", html.as_uri()],
            check=True, timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not png.is_file() or png.stat().st_size == 0:
        raise RuntimeError(f"{CHROMIUM} wrote no screenshot to {png}")
    return png


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="the report.html to open")
    parser.add_argument("png", type=Path, nargs="?", help="the PNG to write (default: report.png beside it)")
    parser.add_argument("--size", default="1400,1800", help="WIDTH,HEIGHT in pixels (default %(default)s)")
    args = parser.parse_args(argv)
    try:
        print(screenshot(args.report, args.png or args.report.with_suffix(".png"), args.size))
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        print(f"screenshot_report: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run every benchmark in one go and write their summary table into docs/performance.md.

Each benchmark runs as its own process and measures its baseline in the same run (the
machines are noisy; absolute times lie, ratios less so). The table goes between the
`run_all` markers at the top of docs/performance.md; the sections below it (how each
benchmark works, what the figures mean) are kept.

    .venv/bin/python benchmarks/run_all.py                 # 1, 10 and 60 minutes of speech
    .venv/bin/python benchmarks/run_all.py --minutes 1 10  # quicker
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "performance.md"
BEGIN, END = "<!-- run_all:begin -->", "<!-- run_all:end -->"
PY = sys.executable


def run(script: str, *args: str) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = Path(fh.name)
    started = time.monotonic()
    print(f"== {script} {' '.join(args)}", file=sys.stderr, flush=True)
    subprocess.run([PY, str(REPO / "benchmarks" / script), *args, "--json-out", str(out)],
                   check=True, cwd=REPO)
    result: dict[str, Any] = json.loads(out.read_text())
    out.unlink()
    print(f"   took {time.monotonic() - started:.0f} s", file=sys.stderr)
    return result


def fmt_ratio(ours: float, base: float) -> str:
    return f"{ours / base:.2f}" if base else "—"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, nargs="+", default=[1.0, 10.0, 60.0])
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    args = parser.parse_args()

    rows: list[tuple[str, str, str, str, str, str]] = []
    queue = run("queue_bench.py")
    add, claim, cli = queue["add"], queue["claim"], queue["cli"]
    rows.append(("`add_task` latency p99", f"{add['p99']:.2f} ms", "—", "—", "< 5 ms",
                 "queue_bench.py"))
    rows.append(("claim + complete throughput", f"{claim['per_second']:.0f}/s", "—", "—",
                 "> 1,000/s", "queue_bench.py"))
    rows.append(("`podcast-desk add` wall time", f"{cli['add_ms']:.0f} ms",
                 f"{cli['base_ms']:.0f} ms (`python -c pass`)",
                 fmt_ratio(cli["add_ms"], cli["base_ms"]), "well under 1 s",
                 "queue_bench.py"))
    for minutes in args.minutes:
        p = run("pipeline_bench.py", "--minutes", f"{minutes:g}")
        app, direct, raw = p["app"], p["direct"], p["raw"]
        label = f"{minutes:g} min"
        cmd = f"pipeline_bench.py --minutes {minutes:g}"
        rows.append((f"{label}: app end to end vs raw faster-whisper defaults",
                     f"{app['seconds']:.1f} s", f"{raw['seconds']:.1f} s",
                     fmt_ratio(app["seconds"], raw["seconds"]), "≤ 0.5", cmd))
        rows.append((f"{label}: app end to end vs its transcriber called directly",
                     f"{app['seconds']:.1f} s", f"{direct['seconds']:.1f} s",
                     fmt_ratio(app["seconds"], direct["seconds"]), "≤ 1.05", cmd))
        rows.append((f"{label}: WER (app vs raw)", f"{app['wer']:.3f}", f"{raw['wer']:.3f}",
                     fmt_ratio(app["wer"], raw["wer"]), "≤ 1 (equal or better)", cmd))
        rows.append((f"{label}: peak RSS (app vs raw)", f"{app['rss_mb']:.0f} MB",
                     f"{raw['rss_mb']:.0f} MB", fmt_ratio(app["rss_mb"], raw["rss_mb"]),
                     "≤ 1,024 MB at 60 min" if minutes >= 60 else "—", cmd))
    ui = run("ui_bench.py")
    rows.append(("GUI heartbeat lateness p99 while transcribing (10,000 tasks)",
                 f"{ui['busy']['p99']:.1f} ms", f"{ui['idle']['p99']:.1f} ms (idle window)",
                 fmt_ratio(ui["busy"]["p99"], ui["idle"]["p99"]), "< 16 ms", "ui_bench.py"))
    rows.append(("GUI heartbeat lateness max while transcribing",
                 f"{ui['busy']['max']:.0f} ms", f"{ui['idle']['max']:.0f} ms (idle window)",
                 fmt_ratio(ui["busy"]["max"], ui["idle"]["max"]), "< 100 ms", "ui_bench.py"))
    rows.append(("launch → window shown", f"{ui['shown_ms']:.0f} ms", "—", "—", "—",
                 "ui_bench.py"))

    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    lines = [
        BEGIN,
        f"Summary written by `benchmarks/run_all.py` on {stamp}: {platform.platform()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load average "
        f"{os.getloadavg()[0]:.1f} at the end. Commands are under `benchmarks/`, run with "
        "`.venv/bin/python`.",
        "",
        "| measure | ours | baseline (same run) | ratio | target | command |",
        "|---|---|---|---|---|---|",
        *[f"| {' | '.join(row)} |" for row in rows],
        END,
    ]
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        text = DOC.read_text() if DOC.exists() else "# Performance\n"
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            text = head + table + rest.split(END, 1)[1]
        else:
            title, _, body = text.partition("\n")
            text = f"{title}\n\n{table}\n{body}"
        DOC.write_text(text)
        print(f"wrote {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

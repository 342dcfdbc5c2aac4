"""Wait for a window to appear on the X display in $DISPLAY, then save a screenshot.

Used by smoke_test.sh right after it starts the frozen GUI: prints the time to the
first drawn window (the frozen start time) and exits 1 if nothing appears in 60 s.
"""

import os
import sys
import time

from PIL import ImageChops, ImageGrab

TIMEOUT = 60.0


def grab():
    return ImageGrab.grab(xdisplay=os.environ["DISPLAY"])


def main(target: str) -> int:
    start = time.monotonic()
    blank = grab().getextrema()
    first = None
    previous = None
    while time.monotonic() - start < TIMEOUT:
        image = grab()
        if first is None and image.getextrema() != blank:
            first = time.monotonic() - start
        if first is not None:
            if previous is not None and ImageChops.difference(image, previous).getbbox() is None:
                image.save(target)
                name = os.path.basename(target)
                print(f"frozen GUI first window: {first:.2f} s, settled: {time.monotonic() - start:.2f} s ({name})")
                return 0
            previous = image
            time.sleep(0.5)
        else:
            time.sleep(0.05)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

"""PNG checks and assembly with Pillow: an image that is blank or tiny is never evidence."""

from __future__ import annotations

from pathlib import Path

from metricwatch.i18n.message import msg
from metricwatch.i18n.words import Words
from metricwatch.i18n.words import text as words_text
from metricwatch.redact import scrub

MIN_WIDTH, MIN_HEIGHT = 200, 80
MIN_STDDEV = 2.0  # grey-level standard deviation; a blank or single-colour image is ~0


class EvidenceCheckError(Exception):
    """An image or page that is not usable evidence; `why` says why as message pieces (the
    exception's text is their English)."""

    def __init__(self, why: Words) -> None:
        super().__init__(words_text(why))
        self.why = why


class ImageCheckError(EvidenceCheckError):
    """The image is not usable evidence (blank, too small, unreadable)."""


def png_stats(path: Path) -> tuple[int, int, float]:
    """(width, height, grey-level standard deviation) of a PNG."""
    from PIL import Image, ImageStat, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img.load()
            grey = img.convert("L")
            return img.width, img.height, float(ImageStat.Stat(grey).stddev[0])
    except (OSError, UnidentifiedImageError) as exc:
        error = scrub(str(exc))
        raise ImageCheckError(
            [msg("evidence.image.unreadable", name=path.name, error=error)]
        ) from exc


def check_png(path: Path) -> tuple[int, int]:
    """Raise ImageCheckError when the PNG is too small or blank; return its size."""
    width, height, stddev = png_stats(path)
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise ImageCheckError([msg("evidence.image.small", width=width, height=height)])
    if stddev < MIN_STDDEV:
        raise ImageCheckError([msg("evidence.image.blank", stddev=f"{stddev:.2f}")])
    return width, height


def stack_pngs(parts: list[Path], out: Path, gap: int = 12) -> None:
    """Stack images vertically on white with a grey rule between them (one file per page)."""
    from PIL import Image

    imgs = [Image.open(p).convert("RGB") for p in parts]
    try:
        width = max(i.width for i in imgs)
        height = sum(i.height for i in imgs) + gap * (len(imgs) - 1)
        sheet = Image.new("RGB", (width, height), "white")
        y = 0
        for n, img in enumerate(imgs):
            sheet.paste(img, (0, y))
            y += img.height
            if n < len(imgs) - 1:
                sheet.paste((200, 200, 200), (0, y + gap // 2 - 1, width, y + gap // 2 + 1))
                y += gap
        sheet.save(out, format="PNG", optimize=False)
    finally:
        for img in imgs:
            img.close()

"""Draw the app icon (a shield with a speech mark) as PNG and ICO. Run once; output is committed."""

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent / "icons"


def draw(size: int = 512) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    s = size / 512
    shield = [(256, 24), (456, 96), (436, 300), (256, 488), (76, 300), (56, 96)]
    pen.polygon([(x * s, y * s) for x, y in shield], fill=(22, 52, 96, 255))
    pen.polygon(
        [
            (x * s, y * s)
            for x, y in [(256, 64), (420, 122), (404, 290), (256, 446), (108, 290), (92, 122)]
        ],
        fill=(38, 98, 168, 255),
    )
    pen.rounded_rectangle([150 * s, 150 * s, 362 * s, 300 * s], radius=28 * s, fill="white")
    pen.polygon([(200 * s, 296 * s), (200 * s, 352 * s), (252 * s, 298 * s)], fill="white")
    for x in (196, 256, 316):
        pen.ellipse([(x - 18) * s, 207 * s, (x + 18) * s, 243 * s], fill=(38, 98, 168, 255))
    return image


if __name__ == "__main__":
    HERE.mkdir(exist_ok=True)
    icon = draw()
    icon.resize((256, 256), Image.LANCZOS).save(HERE / "rvr-desktop.png")
    icon.save(HERE / "rvr-desktop.ico", sizes=[(16, 16), (32, 32), (48, 48), (256, 256)])

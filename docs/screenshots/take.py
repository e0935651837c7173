"""Screenshots of the dashboards (issue 15) at 1366 and 390 px, by Chromium.

    DANGBO_DATA_DIR=/tmp/demo .venv/bin/dangbo demo --no-serve
    DANGBO_DATA_DIR=/tmp/demo .venv/bin/dangbo serve --port 8766 &
    .venv/bin/python docs/screenshots/take.py

Writes docs/screenshots/dashboard-{office,secretary}-{1366,390}.png (64 colours, cropped to
the charts). Logins of the demo: tochuc (the office), bithu (a cell's secretary).
"""

from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

BASE = "http://127.0.0.1:8766"
HERE = Path(__file__).parent
SHOTS = (("tochuc", "dashboard-office"), ("bithu", "dashboard-secretary"))
HEIGHT = {1366: 2100, 390: 2600}


def main() -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        for user, name in SHOTS:
            for width in (1366, 390):
                context = browser.new_context(viewport={"width": width, "height": 900})
                page = context.new_page()
                page.goto(BASE + "/dang-nhap/")
                page.fill("input[name=username]", user)
                page.fill("input[name=password]", "tamduong2016")
                page.click("button[type=submit]")
                page.wait_for_load_state("networkidle")
                for img in page.query_selector_all("figure.chart img"):
                    img.scroll_into_view_if_needed()  # the pictures load lazily
                    page.wait_for_load_state("networkidle")
                raw = HERE / f"{name}-{width}.raw.png"
                page.screenshot(path=str(raw), full_page=True)
                context.close()
                image = Image.open(raw).convert("RGB")
                image = image.crop((0, 0, image.width, min(image.height, HEIGHT[width])))
                image.quantize(colors=64).save(HERE / f"{name}-{width}.png", optimize=True)
                raw.unlink()
        browser.close()


if __name__ == "__main__":
    main()

"""The run as an animated GIF and WebP, in a real browser: downloaded from Replay and from
Export as a learner would, then handed to Chromium, which must decode it at the chosen
width (an <img>'s naturalWidth) and play it (WebCodecs' ImageDecoder: an animated track
of every frame, the first and last frames different pictures).

Server and Chromium come from tests/conftest.py."""
import base64
import io

from PIL import Image
from playwright.sync_api import expect
from tests.support import download, open_app, open_panel, train, wait_idle

PLAYS = """async ([b64, mime]) => {
    const img = new Image();
    img.src = `data:${mime};base64,${b64}`;
    await img.decode();
    const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    const decoder = new ImageDecoder({data: bytes, type: mime});
    await decoder.tracks.ready;
    await decoder.completed;
    const track = decoder.tracks.selectedTrack;
    const canvas = new OffscreenCanvas(img.naturalWidth, img.naturalHeight);
    const g = canvas.getContext('2d');
    const pixels = async (k) => {
        const {image} = await decoder.decode({frameIndex: k});
        g.drawImage(image, 0, 0);
        image.close();
        return g.getImageData(0, 0, canvas.width, canvas.height).data;
    };
    const first = await pixels(0), last = await pixels(track.frameCount - 1);
    let changed = 0;
    for (let i = 0; i < first.length; i += 4) changed += first[i] !== last[i] ? 1 : 0;
    return {width: img.naturalWidth, height: img.naturalHeight, frames: track.frameCount,
            animated: track.animated, changed: changed / (first.length / 4)};
}"""


def played(page, label, mime, tmp_path):
    """Download the file, and what Chromium makes of it beside what Pillow does. The file
    is drawn as the panel is (a few seconds on a busy machine), its button after it, named
    by its format and width: wait for that button."""
    expect(page.get_by_role("button", name=label)).to_be_enabled(timeout=90_000)
    data = download(page, label, tmp_path).read_bytes()
    seen = page.evaluate(PLAYS, [base64.b64encode(data).decode("ascii"), mime])
    return seen, Image.open(io.BytesIO(data))


def choose(page, key, label):
    page.locator(f".st-key-{key}").get_by_role("radio", name=label).click()
    wait_idle(page)


def test_the_replays_gif_and_the_exports_webp_play_in_chromium(page, app_url, tmp_path):
    open_app(page, app_url + "?samples=200")
    train(page, 1.5)
    open_panel(page, "Replay")
    seen, gif = played(page, "Animated GIF, 480 px", "image/gif", tmp_path)
    assert gif.format == "GIF" and (seen["width"], seen["height"]) == gif.size
    assert seen["width"] == 480 and seen["animated"] and seen["frames"] == gif.n_frames > 5
    assert seen["changed"] > 0.05          # the surface moved between the first and last

    open_panel(page, "Export")
    choose(page, "export_anim_kind", "WebP")
    choose(page, "export_anim_width", "800")
    seen, webp = played(page, "Animated WebP, 800 px", "image/webp", tmp_path)
    assert webp.format == "WEBP" and (seen["width"], seen["height"]) == webp.size
    assert seen["width"] == 800 and seen["animated"] and seen["frames"] == webp.n_frames > 5
    assert seen["changed"] > 0.05

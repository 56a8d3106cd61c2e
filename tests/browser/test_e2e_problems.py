"""The other problem types in a real browser, opened by their links as a learner would:
a 3-class spiral and a regression run play, and the live view's canvas and legend show
them (issue 10's app half).

Server and Chromium come from tests/conftest.py; the page helpers from tests/support.py.
"""
from tests.support import open_app, train

# Each hue bin (30 degrees) that holds at least 2% of the surface's coloured pixels.
HUES = """() => {
  const c = document.querySelector('.nnp-surface canvas');
  const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const bins = new Array(12).fill(0); let coloured = 0, white = 0;
  for (let i = 0; i < px.length; i += 4) {
    const r = px[i] / 255, g = px[i + 1] / 255, b = px[i + 2] / 255;
    const max = Math.max(r, g, b), min = Math.min(r, g, b), d = max - min;
    if (d < 0.08) { white += 1; continue; }
    let h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
    bins[Math.floor(((h * 60) + 360) % 360 / 30)] += 1; coloured += 1;
  }
  return { bins: bins.map((n, k) => n >= 0.02 * coloured ? k * 30 : -1).filter((h) => h >= 0),
           white: white / (px.length / 4) };
}"""


def legend(page):
    return page.locator(".nnp-legend .nnp-legend-item").all_inner_texts()


def test_a_three_class_spiral_is_painted_in_three_hues_with_a_legend(page, app_url):
    open_app(page, app_url + "?dataset=spiral&classes=3&loss=ce&hidden=16,16&noise=0.02"
                             "&samples=600&optimizer=adam&lr=0.02")
    train(page, 300)
    hues = page.evaluate(HUES)["bins"]
    print(f"\n3-class spiral: hue bins {hues}")
    assert len(hues) >= 3                                 # orange, blue and green regions
    assert legend(page) == ["class 0", "class 1", "class 2"]
    stats = page.locator(".nnp-numbers").inner_text()
    assert "per class 0:" in stats and "2:" in stats


def test_a_regression_run_is_painted_on_a_diverging_scale(page, app_url):
    open_app(page, app_url + "?problem=regression&dataset=multi-gaussian&loss=mse"
                             "&hidden=8,8&optimizer=adam&lr=0.03")
    train(page, 300)
    seen = page.evaluate(HUES)
    print(f"\nregression: hue bins {seen['bins']}, near-white share {seen['white']:.2f}")
    assert any(h in (0, 30) for h in seen["bins"]) and any(h in (180, 210) for h in seen["bins"])
    assert seen["white"] > 0.01                           # 0 sits between them, white
    assert legend(page) == ["−1", "0", "+1"]
    stats = page.locator(".nnp-numbers").inner_text()
    assert "R²" in stats and "accuracy" not in stats


# Each unit canvas's most colourful pixel (RGB) and its chroma (max - min channel).
UNIT_COLOURS = """(inputs) => [...document.querySelectorAll(
    inputs ? '.nnp-units canvas.nnp-input' : '.nnp-units canvas.nnp-unit:not(.nnp-input)')]
  .filter((c) => c.style.display !== 'none').map((c) => {
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let best = [0, 0, 0], chroma = -1;
    for (let i = 0; i < px.length; i += 4) {
      const d = Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]);
      if (d > chroma) { chroma = d; best = [px[i], px[i + 1], px[i + 2]]; }
    }
    return { rgb: best, chroma };
  })"""


def test_each_output_unit_of_a_four_class_run_is_painted_in_its_class_colour(page, app_url):
    """Output unit k shows P(class k): its strongest pixel is near class k's colour; the
    hidden units, which are no class, are grey."""
    from playground.pictures.colours import CLASS_COLOURS, _rgb
    open_app(page, app_url + "?dataset=gaussians&classes=4&loss=ce&hidden=6&optimizer=adam"
                             "&lr=0.03")
    train(page, 300)
    units = page.evaluate(UNIT_COLOURS, False)
    assert len(units) == 6 + 4
    for unit in units[:6]:
        assert unit["chroma"] <= 10, unit
    for k, unit in enumerate(units[6:]):
        gap = abs(unit["rgb"] - _rgb(CLASS_COLOURS[k])).max()
        print(f"output unit {k}: strongest pixel {unit['rgb']}, class colour "
              f"{CLASS_COLOURS[k]}, largest channel gap {gap:.0f}")
        assert gap <= 40, (k, unit)

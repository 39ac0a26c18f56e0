"""What every browser flow checks on the pages it visits.

`UI` wraps a Playwright page for one test: it visits pages and checks each
one for horizontal overflow, walks the main pages with the keyboard, runs axe
on them and writes their screenshots.
"""

import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import Locator, Page, expect

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DEVICES = {"desktop": DESKTOP, "phone": PHONE}

BLOCKING_IMPACTS = ("serious", "critical")

# Describes an element in failure messages: tag#id.class "text".
DESCRIBE_JS = """
function describe(el) {
  if (!el || el === document.body) return "<body>";
  let text = (el.getAttribute("aria-label") || el.innerText || el.value || "")
    .replace(/\\s+/g, " ").trim().slice(0, 60);
  let name = el.tagName.toLowerCase();
  if (el.id) name += "#" + el.id;
  if (typeof el.className === "string" && el.className.trim())
    name += "." + el.className.trim().split(/\\s+/).join(".");
  if (el.getAttribute("href")) name += `[href="${el.getAttribute("href")}"]`;
  if (el.getAttribute("name")) name += `[name="${el.getAttribute("name")}"]`;
  return text ? `${name} "${text}"` : name;
}
"""

OVERFLOW_JS = (
    "() => {"
    + DESCRIBE_JS
    + """
  const root = document.documentElement;
  const width = Math.min(window.innerWidth, root.clientWidth);
  const culprits = [];
  if (root.scrollWidth > width) {
    // The outermost elements that stick out: their parent still fits.
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      const parent = el.parentElement.getBoundingClientRect();
      if (box.width && box.right > width + 0.5 && parent.right <= width + 0.5) {
        culprits.push(`${describe(el)} reaches x=${Math.round(box.right)}`);
      }
    }
  }
  return {
    scrollWidth: root.scrollWidth,
    innerWidth: window.innerWidth,
    clientWidth: root.clientWidth,
    culprits: culprits.slice(0, 8),
  };
}"""
)

# Every control the Tab key should reach, in document order. Stored on window
# for the walk; a sentinel before the first one makes Tab start at the top.
TAB_ORDER_JS = (
    "() => {"
    + DESCRIBE_JS
    + """
  const selector = 'a[href], area[href], button, input, select, textarea, iframe, summary, '
    + '[tabindex], [contenteditable=""], [contenteditable="true"]';
  // checkVisibility: the content of a closed <details> has boxes, but Tab skips it.
  const rendered = (el) => el.getClientRects().length > 0 && el.checkVisibility()
    && getComputedStyle(el).visibility === "visible" && !el.closest("[inert]");
  const focusable = (el) => el.tabIndex >= 0 && !el.disabled && rendered(el)
    && !(el.tagName === "INPUT" && el.type === "hidden");
  const controls = [...document.querySelectorAll(selector)].filter(focusable);
  // Chromium also stops at scrollable boxes with nothing focusable inside.
  for (const el of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(el);
    const scrolls = (/(auto|scroll)/.test(style.overflowX) && el.scrollWidth > el.clientWidth)
      || (/(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight);
    if (scrolls && rendered(el) && el.tagName !== "TEXTAREA" && !controls.includes(el)
        && !controls.some((control) => el.contains(control))) {
      controls.push(el);
    }
  }
  const following = (a, b) => a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING;
  controls.sort((a, b) => (following(a, b) ? -1 : 1));
  // One stop per radio group: the checked button, else the first.
  const radioGroups = new Set();
  const order = controls.filter((el) => {
    if (el.type !== "radio" || !el.name) return true;
    if (radioGroups.has(el.name)) return false;
    const group = [...document.getElementsByName(el.name)].filter(focusable);
    radioGroups.add(el.name);
    const chosen = group.find((radio) => radio.checked) || group[0];
    return chosen === el;
  });
  window.__tabOrder = order;
  const sentinel = document.createElement("span");
  sentinel.tabIndex = -1;
  sentinel.id = "__tab-walk-start";
  document.body.prepend(sentinel);
  sentinel.focus();
  return {
    order: order.map(describe),
    // A positive tabindex takes a control out of the reading order.
    positive: order.filter((el) => el.tabIndex > 0).map(describe),
  };
}"""
)

FOCUS_JS = (
    "(index) => {"
    + DESCRIBE_JS
    + """
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  const box = el.getBoundingClientRect();
  return {
    expected: window.__tabOrder[index] === el,
    active: describe(el),
    indicator: outline || shadow,
    style: `outline: ${style.outlineStyle} ${style.outlineWidth}; box-shadow: ${style.boxShadow}`,
    size: [Math.round(box.width), Math.round(box.height)],
  };
}"""
)


# Reports every Content-Security-Policy violation to the console, where the
# UI collects it: the browser fires `securitypolicyviolation` for each thing it
# refused (an inline style, a script from elsewhere...). An init script, so it
# runs in every page before the page's own scripts, even with them disabled.
CSP_VIOLATION_PREFIX = "CSP violation:"
CSP_WATCH_JS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`PREFIX ${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.location.href}:${event.lineNumber}`
    + (event.sample ? ` (${event.sample})` : ""));
});
""".replace("PREFIX", CSP_VIOLATION_PREFIX)


def _strip_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  {violation['helpUrl']}"
        )
        for node in violation["nodes"][:10]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}\n       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n         ")
            if summary:
                lines.append(f"         {summary}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    ... and {len(violation['nodes']) - 10} more elements")
    return "\n".join(lines)


class UI:
    """One test's browser tab, on one device, with or without JavaScript."""

    axe = Axe()

    def __init__(self, page: Page, *, base_url: str, device: str, javascript: bool):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.device = device
        self.javascript = javascript
        self.navigations: list[str] = []
        self.checked: set[str] = set()
        self.csp_violations: list[str] = []
        page.on("framenavigated", self._record_navigation)
        page.on("console", self._record_console)

    def _record_navigation(self, frame):
        if frame == self.page.main_frame and frame.url.startswith("http"):
            self.navigations.append(_strip_fragment(frame.url))

    def _record_console(self, message) -> None:
        """Keep every CSP violation: our watch's reports and the browser's own messages."""
        text = message.text
        if text.startswith(CSP_VIOLATION_PREFIX) or "Content Security Policy" in text:
            self.csp_violations.append(f"{self.path}: {text}")

    def assert_no_csp_violations(self) -> None:
        """The browser refused nothing the pages asked for under the Content-Security-Policy."""
        assert not self.csp_violations, "Content-Security-Policy violations:\n  " + "\n  ".join(
            self.csp_violations
        )

    def unchecked_pages(self) -> list[str]:
        return sorted(set(self.navigations) - self.checked)

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    # --- Moving around -----------------------------------------------------------------

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def goto(self, path: str, *, audit: str | None = None) -> None:
        response = self.page.goto(self.url(path))
        assert response is not None
        assert response.ok, f"{path} answered {response.status}"
        self.arrived(audit=audit)

    def reload(self) -> None:
        self.page.reload()
        self.arrived()

    def arrived(self, path: str | None = None, *, audit: str | None = None) -> None:
        """The page the last action led to, once loaded: checked for overflow.

        A main page (`audit` names it) also gets its screenshot, taken first so
        that it is written even when a check fails, a keyboard walk and axe.
        """
        if path is not None:
            self.page.wait_for_url(lambda url: urlsplit(url).path == path)
        self.page.wait_for_load_state()
        if audit and self.javascript:
            self.screenshot(audit)
        self.assert_no_horizontal_overflow()
        if audit:
            self.assert_keyboard_reachable()
            if self.javascript:
                self.assert_accessible()

    def press(self, target: Locator) -> None:
        """What a person does to a control on this device: tap on the phone, click on desktop."""
        if self.device == "phone":
            target.tap()
        else:
            target.click()

    @contextmanager
    def navigates(self, *, audit: str | None = None):
        """The block must load a new page (a form post, a followed link)."""
        with self.page.expect_navigation():
            yield
        self.arrived(audit=audit)

    @contextmanager
    def stays_in_place(self, *, same_address: bool = True):
        """The block must change the page without loading another one.

        "Load more" changes the address in place (`same_address=False`): the
        page stays, the address bar names what it now shows, and the page is
        checked for overflow at that address.
        """
        self.page.evaluate("window.__stillHere = 'yes'")
        before = len(self.navigations)
        url = self.page.url
        yield
        assert self.page.evaluate("window.__stillHere") == "yes", "the page was reloaded"
        if same_address:
            # A changed address would count as a navigation (in the same document).
            assert self.navigations[before:] == [], f"navigated to {self.navigations[before:]}"
            assert self.page.url == url
        else:
            self.assert_no_horizontal_overflow()  # Of the page at its new address.

    @contextmanager
    def acts(self):
        """A vote or thumb: in place with JavaScript, a form post and redirect without."""
        with self.stays_in_place() if self.javascript else self.navigates():
            yield

    def log_in(self, user) -> None:
        """Start the session without the login form, for flows that are not about logging in."""
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME]
        self.page.context.add_cookies(
            [{"name": session.key, "value": session.value, "url": self.base_url}]
        )

    # --- Checks ---------------------------------------------------------------------------

    def assert_no_horizontal_overflow(self) -> None:
        """Nothing sticks out sideways: the page never scrolls horizontally.

        On an emulated phone Chromium widens `innerWidth` to fit overflowing
        content, so the layout viewport (`clientWidth`) is checked too.
        """
        result = self.page.evaluate(OVERFLOW_JS)
        self.checked.add(_strip_fragment(self.page.url))
        width = min(result["innerWidth"], result["clientWidth"])
        assert result["scrollWidth"] <= width, (
            f"{self.path} overflows horizontally on {self.device}: "
            f"scrollWidth {result['scrollWidth']} > viewport {width} "
            f"(innerWidth {result['innerWidth']}, clientWidth {result['clientWidth']}).\n"
            "Sticking out: " + "\n  ".join(["", *result["culprits"]])
        )

    def assert_keyboard_reachable(self) -> None:
        """Tab walks every link, button and field in order, each with a visible focus."""
        walk = self.page.evaluate(TAB_ORDER_JS)
        expected = walk["order"]
        assert expected, f"{self.path}: nothing to focus"
        problems = [f"positive tabindex on {control}" for control in walk["positive"]]
        try:
            for index, control in enumerate(expected):
                self.page.keyboard.press("Tab")
                focus = self.page.evaluate(FOCUS_JS, index)
                if not focus["expected"]:
                    problems.append(
                        f"Tab #{index + 1} focused {focus['active']}, expected {control}"
                    )
                    break
                if not focus["indicator"]:
                    problems.append(f"no visible focus on {control} ({focus['style']})")
                elif min(focus["size"]) < 2:
                    problems.append(f"focused {control} is not visible (size {focus['size']})")
        finally:
            self.page.evaluate("() => document.getElementById('__tab-walk-start')?.remove()")
        assert not problems, (
            f"Keyboard on {self.path} ({self.device}), {len(expected)} controls:\n  "
            + "\n  ".join(problems)
        )

    def assert_accessible(self) -> None:
        """axe-core finds nothing serious or critical."""
        results = self.axe.run(self.page)
        blocking = [
            violation
            for violation in results.response["violations"]
            if violation["impact"] in BLOCKING_IMPACTS
        ]
        assert not blocking, (
            f"axe on {self.path} ({self.device}) found {len(blocking)} serious or critical "
            f"violation(s):\n{format_violations(blocking)}"
        )

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"{name}-{self.device}.png", full_page=True)


def score_of(widget: Locator) -> Locator:
    """The score shown by a vote widget's container."""
    return widget.locator(".vote__score")


def expect_score(widget: Locator, score: int) -> None:
    expect(score_of(widget)).to_have_text(re.compile(rf"(?<![\d-]){score}\s*$"))

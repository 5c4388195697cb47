// content/common.js visibleText, walked without recursion: the same text as the recursive walk it
// replaced on every saved page, and no stack overflow on a page nesting elements 100,000 deep.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, test } from "node:test";
import { pageAt } from "./helpers.mjs";

const PLATFORM_URLS = { x: "https://x.com/someone", facebook: "https://www.facebook.com/someone", instagram: "https://www.instagram.com/someone/", telegram: "https://t.me/someone" };

/** The recursive visibleText as it was (content/common.js before the iterative walk), for `window`. */
function recursiveVisibleText(window) {
  const { clean } = window.Haris.util;
  const UNREAD = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "svg", "SVG"]);
  function hiddenElement(element) {
    if (element.hasAttribute("hidden") || element.getAttribute("aria-hidden") === "true") return true;
    const style = element.getAttribute("style");
    return Boolean(style && /display\s*:\s*none/i.test(style));
  }
  return function visibleText(node) {
    if (!node) return null;
    const parts = [];
    (function walk(current) {
      for (const child of current.childNodes) {
        if (child.nodeType === 3) {
          parts.push(child.nodeValue);
        } else if (child.nodeType === 1) {
          if (UNREAD.has(child.tagName) || hiddenElement(child)) continue;
          if (child.tagName === "BR") parts.push("\n");
          else if (child.tagName === "IMG") parts.push(child.getAttribute("alt") || "");
          else walk(child);
        }
      }
    })(node);
    return clean(parts.join(""));
  };
}

const fixtures = Object.keys(PLATFORM_URLS).flatMap((platform) =>
  readdirSync(new URL(`fixtures/${platform}/`, import.meta.url)).filter((name) => name.endsWith(".html")).map((name) => [platform, `${platform}/${name}`]),
);

describe("visibleText", () => {
  test("the same text as the recursive walk, for every element of every saved page", () => {
    assert.ok(fixtures.length > 20);
    let compared = 0;
    for (const [platform, name] of fixtures) {
      const window = pageAt(PLATFORM_URLS[platform], { fixture: name });
      const before = recursiveVisibleText(window);
      const { visibleText } = window.Haris.util;
      // Every element of the page, and the document itself, within a bound per page (a big page's
      // every element is quadratic in the old walk).
      const elements = [window.document, ...window.document.querySelectorAll("*")];
      const step = Math.max(1, Math.floor(elements.length / 300));
      for (let i = 0; i < elements.length; i += step) {
        assert.equal(visibleText(elements[i]), before(elements[i]), `${name}: ${elements[i].nodeName} #${i}`);
        compared += 1;
      }
      window.close();
    }
    assert.ok(compared > 3000, `${compared} elements compared`);
  });

  test("what the page hides, images' alt, line breaks and empty nodes: the same text, in order", () => {
    const window = pageAt("https://x.com/", { html: "" });
    const before = recursiveVisibleText(window);
    const node = window.document.createElement("div");
    node.innerHTML = `<p>one<b>two<i>three</i></b>four</p><template>t</template><script>s</script><style>x</style><noscript>n</noscript>`
      + `<span hidden>h</span><span aria-hidden="true">a</span><span aria-hidden="false">visible</span><div style="DISPLAY : none">d</div>`
      + `<img alt="🙂"><img><br><svg><text>svg</text></svg><ul><li>1</li><li></li><li><br>2<br></li></ul>   <em> </em>end`;
    assert.equal(window.Haris.util.visibleText(node), before(node));
    assert.equal(window.Haris.util.visibleText(node), "onetwothreefourvisible🙂 1 2 end");
    assert.equal(window.Haris.util.visibleText(null), null);
    assert.equal(window.Haris.util.visibleText(window.document.createElement("div")), null);
  });

  test("a page nesting 100,000 elements deep: its text, no stack overflow", () => {
    const window = pageAt("https://x.com/", { html: "<body></body>" });
    const depth = 100_000;
    // Built from the inside out: each new parent has no ancestors yet, so no insertion walks a chain.
    let inner = window.document.createElement("span");
    inner.append("bottom");
    for (let i = 1; i < depth; i += 1) {
      const outer = window.document.createElement(i % 2 ? "div" : "span");
      if (i === depth / 2) outer.append("middle ");
      outer.appendChild(inner);
      if (i === 10) outer.append(" ten");
      inner = outer;
    }
    const top = window.document.createElement("div");
    top.append("top ");
    top.appendChild(inner);
    assert.throws(() => recursiveVisibleText(window)(top), RangeError, "the recursive walk overflowed here");
    assert.equal(window.Haris.util.visibleText(top), "top middle bottom ten");
  });
});

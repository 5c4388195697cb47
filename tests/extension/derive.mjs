// Derived pages: a real saved page (fixtures/<platform>/real-*) with only what the platform itself
// changes between its versions (UI language and direction, labels, how numbers are printed, an
// overlay), so an extractor is tested on the markup of a real page in a language or state no
// capture shows. Each edit must apply: a base that drifts fails loudly instead of testing nothing.
// fixtures/PROVENANCE.md ("Derived pages") lists the derived pages the tests build.
import { fixture } from "./helpers.mjs";

/** `base` (a fixture name or markup) with each [from, to] edit applied; `from` a string or RegExp. */
export function derive(base, edits) {
  let markup = base.includes("<") ? base : fixture(base);
  for (const [from, to] of edits) {
    const found = typeof from === "string" ? markup.includes(from) : markup.search(from) >= 0;
    if (!found) throw new Error(`derived page: ${from} is not in the base page`);
    markup = typeof from === "string" ? markup.split(from).join(to) : markup.replace(from, to);
  }
  return markup;
}

/**
 * The one browser shim. Firefox has the promise-based `browser` namespace; Chromium's `chrome`
 * returns promises too in Manifest V3, so both are used the same way everywhere else.
 */
export const api = globalThis.browser && globalThis.browser.runtime ? globalThis.browser : globalThis.chrome;

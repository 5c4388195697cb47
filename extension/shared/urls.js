/*
 * Reading an address that came from elsewhere (a message's sender, a stored record): the one
 * place the worker turns a string into a URL without letting a malformed one throw.
 */

/**
 * `value` parsed as an absolute URL, or null when it is not one (missing, relative, malformed):
 * callers answer "no such site" rather than throw in the middle of a message.
 * @param {unknown} value
 * @returns {URL | null}
 */
export function parsedUrl(value) {
  try {
    return new URL(value);
  } catch (_error) {
    return null;
  }
}

/*
 * A wipe is final. A check takes a while (the server, the photo): one that began before a wipe
 * must not, once it ends, write its verdict, the profile it read, a time of use or a "!" badge —
 * that would put back on the device the very record the wipe was pressed to remove. Every task
 * of the worker notes how many wipes had begun when it started, and each write it makes later
 * first asks whether another has begun since. The worker runs one piece of JavaScript at a time
 * and the browser applies one context's storage calls in the order they are made, so a write
 * made right after that question is applied before the clear of any wipe that begins later, and
 * that clear removes it.
 */

let begun = 0;

/** Thrown at a write that a wipe begun since its task started forbids. */
export class WipedMeanwhile extends Error {
  constructor() {
    super("wiped meanwhile");
    this.name = "WipedMeanwhile";
  }
}

/** How many wipes have begun: what a task notes when it starts. */
export function wipesSoFar() {
  return begun;
}

/** A wipe begins: from now on, no task started earlier writes anything. */
export function beginWipe() {
  begun += 1;
}

/** Called right before a write of a task that started when `seen` wipes had begun. */
export function refuseIfWipedSince(seen) {
  if (begun !== seen) throw new WipedMeanwhile();
}

/*
 * What a task of the worker may still write once the user has wiped, locked or opened the vault.
 *
 * A check takes a while (the server, the photo). One that began before a wipe must not, once it
 * ends, write its verdict, the profile it read, a time of use or a "!" badge: that would put back
 * on the device the very record the wipe was pressed to remove. One that began before a lock
 * carries findings about the contacts it was sent with: written after the lock, they would leave
 * a contact readable on a locked device. One that began before an unlock was made without the
 * contacts now open. So each of them starts a new epoch, and a task may write only in the epoch
 * it began in.
 *
 * Every task notes the epoch when it starts, and each write it makes asks, right before it is
 * issued, whether the epoch is still the same. The worker runs one piece of JavaScript at a time
 * and the browser applies one context's storage calls in the order they are made, so such a
 * write lands before anything a later epoch's start clears, and is cleared with it.
 */

let epoch = 0;

/** Thrown at a write that a wipe, lock or unlock since its task began forbids. */
export class EpochEnded extends Error {
  constructor() {
    super("a wipe, lock or unlock came meanwhile");
    this.name = "EpochEnded";
  }
}

/** The epoch now: what a task notes when it starts. */
export function currentEpoch() {
  return epoch;
}

/** A wipe, lock or unlock: from now on no task begun earlier writes anything. */
export function newEpoch() {
  epoch += 1;
}

/** Called right before a write of a task that began in epoch `began`. */
export function refuseIfEpochEnded(began) {
  if (epoch !== began) throw new EpochEnded();
}

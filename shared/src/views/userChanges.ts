/**
 * The live projector's announcement, after each committed batch that changed users or the
 * chain tip, to the BFF (which LISTENs): NOTIFY on this channel with a UserChangesNotice.
 */
export const USER_CHANGES_CHANNEL = 'forkline_user_changes';

/** The user_changes row a rebuilt read model starts with: every subscriber starts over. */
export const EVERY_USER = '*';

export interface UserChangesNotice {
  /** The ids of the user_changes rows the batch wrote: read `id BETWEEN from AND to`. */
  changes: { from: number; to: number } | null;
  /** The projection's new tip, when the batch moved it. */
  tip: { height: number; hash: string } | null;
}

/** A notice from its NOTIFY payload; undefined for anything else (never trusted blindly). */
export function parseUserChangesNotice(payload: string | undefined): UserChangesNotice | undefined {
  try {
    const n = JSON.parse(payload ?? '') as Partial<UserChangesNotice>;
    const changes = n.changes ?? null;
    const tip = n.tip ?? null;
    if (changes !== null && !(Number.isSafeInteger(changes.from) && Number.isSafeInteger(changes.to))) {
      return undefined;
    }
    if (tip !== null && !(Number.isSafeInteger(tip.height) && typeof tip.hash === 'string')) return undefined;
    return { changes, tip };
  } catch {
    return undefined;
  }
}

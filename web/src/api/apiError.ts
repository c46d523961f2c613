import type { Problem } from './types.js';

/** A BFF answer other than 2xx, with what its problem document says (or what went wrong on the way). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** The HTTP status; 0 when the BFF could not be reached at all. */
    readonly status: number,
    readonly detail: string,
    readonly code?: string,
  ) {
    super(detail);
  }

  /** The token is missing, malformed, expired or not this server's: sign in again. */
  get signInAgain(): boolean {
    return this.status === 401;
  }

  static async from(response: Response): Promise<ApiError> {
    let problem: Partial<Problem> = {};
    try {
      problem = (await response.json()) as Partial<Problem>;
    } catch {
      // not a problem document (a proxy's page, say): the status line tells enough
    }
    const detail = problem.detail ?? `${response.status} ${response.statusText || 'error'}`;
    return new ApiError(response.status, detail, problem.code);
  }
}

import { ApiError } from './apiError.js';
import type { ActivitiesPage, Balance, Price, Status } from './types.js';

/** The BFF's read routes, with the bearer token the page signed in with. Same origin: no CORS. */
export function createApiClient(token: string) {
  const get = async <T>(path: string): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(path, { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
    } catch {
      throw new ApiError(0, 'the server cannot be reached; retrying');
    }
    if (!response.ok) throw await ApiError.from(response);
    return (await response.json()) as T;
  };
  const user = (userId: string) => `/v1/users/${encodeURIComponent(userId)}`;

  return {
    token,
    balance: (userId: string) => get<Balance>(`${user(userId)}/balance`),
    activities: (userId: string, limit: number, cursor?: string | null) =>
      get<ActivitiesPage>(
        `${user(userId)}/activities?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      ),
    price: () => get<Price>('/v1/price'),
    status: () => get<Status>('/v1/status'),
    eventsUrl: (userId: string) => `${user(userId)}/events`,
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
